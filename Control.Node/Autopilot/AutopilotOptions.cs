namespace NerfEngine.Control.Autopilot;

/// <summary>Configuration of the autopilot (section <c>Autopilot</c>); SPEC §4 numbers are the defaults.</summary>
public sealed record AutopilotOptions
{
    /// <summary>Score boundaries of the tiers.</summary>
    public TierThresholds Tiers { get; init; } = new();

    /// <summary>Per-detector scoring constants.</summary>
    public ScoringOptions Scoring { get; init; } = new();

    /// <summary>How long (event time) an alert hash suppresses identical alerts. SPEC: 30 s.</summary>
    public TimeSpan DedupTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Width of the dedup window bucket: SPEC's window_ms / 1000, i.e. the window's second.</summary>
    public TimeSpan DedupBucket { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Alert hashes remembered at most; the oldest are forgotten first (counted).</summary>
    public int DedupMaxEntries { get; init; } = 65_536;

    /// <summary>Suggestions waiting for the analyst; past it the oldest is dropped (counted).</summary>
    public int SuggestionCapacity { get; init; } = 256;

    /// <summary>Observations kept in the ring.</summary>
    public int ObservationCapacity { get; init; } = 1024;

    /// <summary>Emitted cards kept for status queries.</summary>
    public int RecentCardCapacity { get; init; } = 128;

    /// <summary>
    /// Most edge ids a lateral-movement card names (the subject's edges to the hosts it reached, heaviest first), so
    /// the analyst can propose keeping them as evidence. Default 16; zero names none.
    /// </summary>
    public int CardEdgeIds { get; init; } = 16;

    /// <summary>Every problem, one "field: reason" line each; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(Tiers.Validate());
        errors.AddRange(Scoring.Validate());
        if (DedupTtl <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(DedupTtl)}: {DedupTtl} must be > 0.");
        }

        if (DedupBucket <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(DedupBucket)}: {DedupBucket} must be > 0.");
        }

        if (CardEdgeIds < 0)
        {
            errors.Add($"{nameof(CardEdgeIds)}: {CardEdgeIds} must be ≥ 0.");
        }

        foreach ((string name, int value) in new[]
        {
            (nameof(DedupMaxEntries), DedupMaxEntries), (nameof(SuggestionCapacity), SuggestionCapacity),
            (nameof(ObservationCapacity), ObservationCapacity), (nameof(RecentCardCapacity), RecentCardCapacity),
        })
        {
            if (value < 1)
            {
                errors.Add($"{name}: {value} must be ≥ 1.");
            }
        }

        return errors;
    }
}

/// <summary>
/// Lower bounds (inclusive) of each tier: below <see cref="Observation"/> a detection is discarded.
/// SPEC: 0.60 observation, 0.70 suggestion, 0.80 alert, 0.90 autonomous.
/// </summary>
public sealed record TierThresholds
{
    /// <summary>≥ this: internal observation log.</summary>
    public double Observation { get; init; } = 0.60;

    /// <summary>≥ this: suggestion queue (the analyst pulls).</summary>
    public double Suggestion { get; init; } = 0.70;

    /// <summary>≥ this: an event card is emitted.</summary>
    public double Alert { get; init; } = 0.80;

    /// <summary>≥ this: card emitted and the investigator woken.</summary>
    public double Autonomous { get; init; } = 0.90;

    /// <summary>Each bound in [0, 1] and strictly increasing.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        double[] bounds = [Observation, Suggestion, Alert, Autonomous];
        string[] names = [nameof(Observation), nameof(Suggestion), nameof(Alert), nameof(Autonomous)];
        for (int i = 0; i < bounds.Length; i++)
        {
            if (!(bounds[i] >= 0 && bounds[i] <= 1))
            {
                errors.Add($"Tiers.{names[i]}: {bounds[i]} must be in [0, 1].");
            }
            else if (i > 0 && !(bounds[i] > bounds[i - 1]))
            {
                errors.Add($"Tiers.{names[i]}: {bounds[i]} must be greater than Tiers.{names[i - 1]} ({bounds[i - 1]}).");
            }
        }

        return errors;
    }
}

/// <summary>Constants of <see cref="AlertScorer"/>.</summary>
public sealed record ScoringOptions
{
    /// <summary>Fan-in base when the verdict is botnet_coordination. SPEC: 0.92.</summary>
    public double FanInBotnetBase { get; init; } = 0.92;

    /// <summary>Fan-in base otherwise. SPEC: 0.72.</summary>
    public double FanInBase { get; init; } = 0.72;

    /// <summary>Penalty per unit of timing entropy. SPEC: 0.10.</summary>
    public double FanInTimingPenaltyPerUnit { get; init; } = 0.10;

    /// <summary>Largest timing penalty. SPEC: 0.15.</summary>
    public double FanInTimingPenaltyCap { get; init; } = 0.15;

    /// <summary>Attractor base: every rotating_botnet already met three strict thresholds.</summary>
    public double AttractorBase { get; init; } = 0.90;

    /// <summary>Largest bonus from each of infra entropy, temporal sync and turnover.</summary>
    public double AttractorBonusPerMeasure { get; init; } = 0.03;

    /// <summary>Infra entropy at which the infra bonus starts (the detector's threshold).</summary>
    public double AttractorInfraReference { get; init; } = 0.8;

    /// <summary>Temporal sync at which the sync bonus starts (the detector's threshold).</summary>
    public double AttractorSyncReference { get; init; } = 0.75;

    /// <summary>No score exceeds this: certainty is never claimed.</summary>
    public double ScoreCap { get; init; } = 0.99;

    /// <summary>Every problem, one line each.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach ((string name, double value) in new[]
        {
            (nameof(FanInBotnetBase), FanInBotnetBase), (nameof(FanInBase), FanInBase),
            (nameof(FanInTimingPenaltyPerUnit), FanInTimingPenaltyPerUnit), (nameof(FanInTimingPenaltyCap), FanInTimingPenaltyCap),
            (nameof(AttractorBase), AttractorBase), (nameof(AttractorBonusPerMeasure), AttractorBonusPerMeasure),
            (nameof(ScoreCap), ScoreCap),
        })
        {
            if (!(value >= 0 && value <= 1))
            {
                errors.Add($"Scoring.{name}: {value} must be in [0, 1].");
            }
        }

        if (!(AttractorInfraReference >= 0 && AttractorInfraReference < 1))
        {
            errors.Add($"Scoring.{nameof(AttractorInfraReference)}: {AttractorInfraReference} must be in [0, 1).");
        }

        if (!(AttractorSyncReference >= 0 && AttractorSyncReference < 1))
        {
            errors.Add($"Scoring.{nameof(AttractorSyncReference)}: {AttractorSyncReference} must be in [0, 1).");
        }

        return errors;
    }
}
