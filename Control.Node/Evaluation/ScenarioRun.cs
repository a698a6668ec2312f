using System.Net;
using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Embedded;
using NerfEngine.Control.Engine;
using NerfEngine.Control.Scenarios;
using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Transport;
using NerfEngine.Shared.Messages.Hashing;

namespace NerfEngine.Control.Evaluation;

/// <summary>How one labelled attack fared in one run.</summary>
public sealed record AttackOutcome(GroundTruthAttack Attack, bool Detected, double? LatencySeconds, string? DetectedBy);

/// <summary>One scenario replayed once through a fresh embedded engine and judged against its ground truth.</summary>
public sealed record ScenarioRunResult(
    string Scenario, int Seed, bool Benign, IReadOnlyList<AttackOutcome> Attacks, IReadOnlyList<EventCard> FalseAlerts, long Packets);

/// <summary>
/// Replays a scenario pcap through pcap engine → flows → edges → detectors → autopilot (the
/// embedded pipeline, fresh state per run) and matches alert-tier cards against the truth.
/// </summary>
public static class ScenarioRun
{
    /// <summary>An attack counts as reported when an alert-tier card names it within this much capture time of its onset.</summary>
    public static readonly TimeSpan ReportDeadline = TimeSpan.FromSeconds(1);

    public static async Task<ScenarioRunResult> RunAsync(string scenario, int seed, string workDirectory, EngineOptions? options = null, CancellationToken ct = default)
    {
        var pcap = Path.Combine(workDirectory, $"{scenario}-{seed}.pcap");
        var truth = ScenarioCatalog.Write(scenario, seed, pcap);
        try
        {
            var cards = await ReplayAsync(pcap, options ?? new EngineOptions(), ct);
            return Judge(truth, cards.Where(c => c.Tier >= AlertTier.Alert).ToList());
        }
        finally
        {
            File.Delete(pcap);
            File.Delete(GroundTruth.SidecarPath(pcap));
        }
    }

    /// <summary>Every card the autopilot emitted for one replay of <paramref name="pcap"/>.</summary>
    public static async Task<IReadOnlyList<EventCard>> ReplayAsync(string pcap, EngineOptions options, CancellationToken ct = default)
    {
        await using var system = ActorSystem.Create("evaluation");
        await using var transport = new InProcessEdgeTransport(new InProcessTransportOptions(PartitionCount: 1));
        var feed = new EventCardFeed();
        var cards = new List<EventCard>();
        using var collect = feed.Subscribe(cards.Add);
        var engine = new GraphEngine(system, new EngineCore(options, feed));
        await using (await engine.SubscribeAsync(transport, ct))
        {
            await new PcapReplayJob(engine, transport, feed).RunAsync(pcap, ReplaySpeed.Maximum, ct);
        }
        return cards;
    }

    /// <summary>Matches cards to attacks: right verdict, involving an attacker or target, within the deadline.</summary>
    public static ScenarioRunResult Judge(GroundTruth truth, IReadOnlyList<EventCard> alertCards)
    {
        var used = new HashSet<EventCard>();
        var outcomes = new List<AttackOutcome>();
        foreach (var attack in truth.Attacks)
        {
            var involved = attack.Attackers.Concat(attack.Targets).Select(NodeIdOf).Where(id => id != 0).ToHashSet();
            var matching = alertCards
                .Where(c => c.Pattern == attack.Verdict && c.WindowEndNs >= attack.OnsetNs && c.WindowStartNs <= attack.EndNs)
                .Where(c => c.NodeIds.Any(involved.Contains) || involved.Contains(c.SubjectNode))
                .OrderBy(c => c.WindowEndNs).ToList();
            used.UnionWith(matching);
            var first = matching.FirstOrDefault();
            var latency = first is null ? (double?)null : (first.WindowEndNs - attack.OnsetNs) / 1e9;
            outcomes.Add(new AttackOutcome(attack, latency is not null && latency <= ReportDeadline.TotalSeconds, latency, first?.Title));
        }
        // Alert-tier cards that name no labelled attack. For attack scenarios they may still be about the
        // attack seen by another detector (e.g. a scanner's victim as an aggregator), so only cards
        // that involve none of the attack's nodes count as false.
        var attackNodes = truth.Attacks.SelectMany(a => a.Attackers.Concat(a.Targets)).Select(NodeIdOf).ToHashSet();
        var falseAlerts = alertCards.Where(c => !used.Contains(c) && !c.NodeIds.Any(attackNodes.Contains) && !attackNodes.Contains(c.SubjectNode)).ToList();
        return new ScenarioRunResult(truth.Scenario, truth.Seed, truth.Benign, outcomes, falseAlerts, truth.Packets);
    }

    /// <summary>Node id of "10.0.0.1" or "10.0.0.1:80/tcp"; 0 for a range such as "10.0.0.0/24:445/tcp".</summary>
    private static ulong NodeIdOf(string endpoint)
    {
        var host = endpoint.Split(':', 2)[0];
        if (host.Contains('/') || !IPAddress.TryParse(host, out var address)) return 0;
        return Fnv1a64.NodeId(address.GetAddressBytes());
    }
}
