using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NerfEngine.Control.Autonomy.Gates;

namespace NerfEngine.Control.Autonomy.Analysis;

/// <summary>
/// Observe-only: turns alerts into proposals by deterministic rules and can never execute (it holds no tool
/// invoker and no executor reference). It abstains, and counts it, whenever no rule fits or confidence is low:
/// an analyst that never abstains is overconfident, which the drift monitor watches.
/// </summary>
/// <remarks>
/// Rules (confidence below <see cref="AutonomyOptions.AnalystAbstainBelow"/> always abstains):
/// <list type="bullet">
/// <item>botnet_coordination / rotating_botnet: reinforce the involved edges so the coordinated structure outlives decay
/// while it is investigated; without edge ids but with temporal sync ≥ 0.75, slow the decay instead; otherwise abstain;</item>
/// <item>scanner: prune edges below a small weight, shedding the scan's one-touch edges;</item>
/// <item>fan_in (unsynchronised): a crowd of ≥ 100 nodes is benign load, decay it now; smaller ones abstain;</item>
/// <item>lateral: reinforce the involved edges (keep the evidence); without edge ids abstain;</item>
/// <item>aggregator and unknown patterns: abstain (nothing safe to change).</item>
/// </list>
/// A proposal a rule makes again within <see cref="AutonomyOptions.AnalystRepeatCooldown"/> (same tool and arguments),
/// or one already in effect, is held back and counted (<see cref="SuppressedRepeats"/>), not sent: see
/// <see cref="ProposalCooldown"/>. Not thread-safe: owned by one actor.
/// </remarks>
public sealed class Analyst(AutonomyOptions options, TimeProvider time)
{
    private readonly ProposalCooldown _cooldown = new(options.AnalystRepeatCooldown);

    /// <summary>Alerts analysed so far.</summary>
    public long Analysed { get; private set; }

    /// <summary>Alerts abstained on so far.</summary>
    public long Abstained { get; private set; }

    /// <summary>Proposals held back so far as repeats of recent ones or already in effect.</summary>
    public long SuppressedRepeats { get; private set; }

    /// <summary>Counts for the drift monitor.</summary>
    public AnalystActivity Activity => new(Analysed, Abstained);

    /// <summary>Applies the rules to <paramref name="alert"/>.</summary>
    public AnalystVerdict Analyse(AlertSignal alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        Analysed++;
        var verdict = Rules(alert);
        if (verdict.IsAbstention)
        {
            Abstained++;
            return verdict;
        }

        return HoldBackRepeats(verdict, alert);
    }

    private AnalystVerdict HoldBackRepeats(AnalystVerdict verdict, AlertSignal alert)
    {
        var now = time.GetUtcNow();
        List<Proposal>? kept = null;
        List<string>? suppressed = null;
        for (var i = 0; i < verdict.Proposals.Count; i++)
        {
            var proposal = verdict.Proposals[i];
            if (_cooldown.Check(proposal, alert, now) is { } reason)
            {
                // First suppression: copy what went through so far; later ones only append.
                kept ??= verdict.Proposals.Take(i).ToList();
                (suppressed ??= []).Add(reason);
            }
            else
            {
                kept?.Add(proposal);
            }
        }

        if (suppressed is null)
        {
            return verdict;
        }

        SuppressedRepeats += suppressed.Count;
        return new AnalystVerdict(kept!, null, suppressed);
    }

    private AnalystVerdict Rules(AlertSignal alert)
    {
        if (!(alert.Confidence >= options.AnalystAbstainBelow))
        {
            return Abstain($"confidence {alert.Confidence:0.###} below {options.AnalystAbstainBelow:0.###}");
        }

        var edges = alert.EdgeIds ?? [];
        switch (alert.Pattern)
        {
            case AlertPatterns.BotnetCoordination or AlertPatterns.RotatingBotnet when edges.Count > 0:
                return Reinforce(alert, edges, "keep the coordinated edges from decaying while they are investigated");
            case AlertPatterns.BotnetCoordination or AlertPatterns.RotatingBotnet when alert.TemporalSync >= options.AnalystSyncThreshold:
                return Propose(alert, MutationToolNames.SetDecayLambda,
                    new JsonObject { [MutationToolNames.LambdaArgument] = options.AnalystSlowDecayLambda },
                    Format($"slow the decay to {options.AnalystSlowDecayLambda} /s so the synchronised cluster stays visible"));
            case AlertPatterns.BotnetCoordination or AlertPatterns.RotatingBotnet:
                return Abstain("coordination without edge ids or timing sync: nothing safe to change");
            case AlertPatterns.Scanner:
                return Propose(alert, MutationToolNames.PruneBelowWeight,
                    new JsonObject { [MutationToolNames.MinWeightArgument] = options.AnalystScanPruneWeight },
                    Format($"shed the scan's one-touch edges below weight {options.AnalystScanPruneWeight}"));
            case AlertPatterns.FanIn when alert.InvolvedNodes >= options.AnalystCrowdNodes:
                return Propose(alert, MutationToolNames.DecayNow, new JsonObject(), "age out an unsynchronised crowd burst (benign load, not a botnet)");
            case AlertPatterns.FanIn:
                return Abstain(Format($"unsynchronised fan-in of {alert.InvolvedNodes} nodes: below the crowd size {options.AnalystCrowdNodes}, leave it"));
            case AlertPatterns.Lateral when edges.Count > 0:
                return Reinforce(alert, edges, "keep the lateral-movement edges as evidence");
            case AlertPatterns.Lateral:
                return Abstain("lateral movement without edge ids: nothing to reinforce");
            case AlertPatterns.Aggregator:
                return Abstain("aggregation is observed only: no mutation rule");
            default:
                return Abstain($"no rule for pattern '{alert.Pattern}'");
        }
    }

    private AnalystVerdict Reinforce(AlertSignal alert, IReadOnlyList<string> edges, string why)
    {
        var proposals = edges.Take(options.AnalystMaxProposalsPerAlert)
            .Select(edge => Create(alert, MutationToolNames.ReinforceEdge,
                new JsonObject { [MutationToolNames.EdgeIdArgument] = edge, [MutationToolNames.WeightArgument] = options.AnalystReinforceWeight },
                why))
            .ToList();
        return new AnalystVerdict(proposals, null);
    }

    private AnalystVerdict Propose(AlertSignal alert, string tool, JsonObject args, string why) =>
        new([Create(alert, tool, args, why)], null);

    private Proposal Create(AlertSignal alert, string tool, JsonObject args, string why)
    {
        var justification = Format(
            $"{alert.Pattern}{(alert.AlertId is null ? "" : $" ({alert.AlertId})")}: confidence {alert.Confidence:0.###}, {alert.InvolvedNodes} nodes")
            + (alert.TemporalSync is { } sync ? Format($", temporal sync {sync:0.###}") : "")
            + (alert.SourceEntropyBits is { } entropy ? Format($", source entropy {entropy:0.##} bits") : "")
            + " → " + why;
        return Proposal.Create(tool, JsonSerializer.SerializeToElement(args), alert.Confidence, justification, options.AnalystName, time.GetUtcNow());
    }

    private static AnalystVerdict Abstain(string reason) => new([], reason);

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
