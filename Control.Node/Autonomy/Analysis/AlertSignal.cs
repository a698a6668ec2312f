namespace NerfEngine.Control.Autonomy.Analysis;

/// <summary>
/// The analyst's input: the part of an alert or event card (SPEC §4) the rules read. Autonomy keeps its own small
/// record so it does not depend on the autopilot's card type; the host maps cards onto it.
/// </summary>
/// <param name="Pattern">Verdict wire name: scanner, aggregator, lateral, botnet_coordination, fan_in, rotating_botnet.</param>
/// <param name="Confidence">Scorer confidence in [0, 1].</param>
/// <param name="NodeIds">Involved node ids (subject first).</param>
/// <param name="TemporalSync">1 − normalised timing entropy, when measured.</param>
/// <param name="SourceEntropyBits">Source-address entropy in bits, when measured.</param>
/// <param name="EdgeIds">Ids of the involved edges, when the card carries them (needed to reinforce).</param>
/// <param name="AlertId">The card's id, quoted in justifications.</param>
/// <param name="NodeCount">Nodes involved before the card capped <paramref name="NodeIds"/>; null means <paramref name="NodeIds"/> is complete.</param>
/// <param name="DecayLambdaPerSecond">The graph's decay rate when the alert fired, when the host knows it (a set_decay_lambda to it is already in effect).</param>
public sealed record AlertSignal(
    string Pattern,
    double Confidence,
    IReadOnlyList<ulong> NodeIds,
    double? TemporalSync = null,
    double? SourceEntropyBits = null,
    IReadOnlyList<string>? EdgeIds = null,
    string? AlertId = null,
    int? NodeCount = null,
    double? DecayLambdaPerSecond = null)
{
    /// <summary>How many nodes the alert involves: the uncapped count when known.</summary>
    public int InvolvedNodes => NodeCount ?? NodeIds.Count;
}

/// <summary>Detection pattern names the rules know (the autopilot's verdict wire names).</summary>
public static class AlertPatterns
{
    /// <summary>One source to many destinations or ports.</summary>
    public const string Scanner = "scanner";

    /// <summary>Many sources to one destination (degree jump).</summary>
    public const string Aggregator = "aggregator";

    /// <summary>Internal host fanning out to internal hosts.</summary>
    public const string Lateral = "lateral";

    /// <summary>Timing-synchronised fan-in.</summary>
    public const string BotnetCoordination = "botnet_coordination";

    /// <summary>Unsynchronised fan-in (CDN, flash crowd).</summary>
    public const string FanIn = "fan_in";

    /// <summary>Large synchronised, network-diverse source cluster on one service.</summary>
    public const string RotatingBotnet = "rotating_botnet";
}

/// <summary>
/// What the analyst made of one alert: proposals, or an abstention with its reason. Proposals a rule made but the
/// analyst held back as repeats (<see cref="ProposalCooldown"/>) are not sent and not abstentions: the analyst did have
/// an opinion, it had already voiced it.
/// </summary>
/// <param name="Proposals">Proposals for the executor (empty when abstaining or when every one was a repeat).</param>
/// <param name="AbstentionReason">Why it proposed nothing; null when a rule fitted.</param>
/// <param name="SuppressedRepeats">Why each held-back proposal was held back; null means none was.</param>
public sealed record AnalystVerdict(IReadOnlyList<Proposal> Proposals, string? AbstentionReason, IReadOnlyList<string>? SuppressedRepeats = null)
{
    /// <summary>True when the analyst declined to propose.</summary>
    public bool IsAbstention => AbstentionReason is not null;

    /// <summary>How many proposals were held back as repeats.</summary>
    public int SuppressedCount => SuppressedRepeats?.Count ?? 0;
}
