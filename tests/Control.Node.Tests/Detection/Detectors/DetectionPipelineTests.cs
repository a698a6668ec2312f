namespace NerfEngine.Tests.ControlNode.Detection.Detectors;

using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Detection.Detectors;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Shared.Messages.Records;
using NerfEngine.Tests.ControlNode.Detection.Support;

/// <summary>End to end on event time: edges → detectors → sentinel → tiers and cards.</summary>
public sealed class DetectionPipelineTests
{
    private readonly EdgeFactory _f = new();

    [Fact]
    public void Dns_and_ntp_servers_with_many_clients_produce_no_alert_tier_card()
    {
        var sentinel = new Sentinel(directory: _f.Directory);
        var pipeline = new DetectionPipeline(new ThresholdSet(), sentinel, _f.Directory, new Hypergraph(directory: _f.Directory));

        pipeline.Observe(Scenarios.DnsAndNtpServers(_f, Ns.T0, durationNs: 10 * Ns.S).ToArray());
        pipeline.Advance(Ns.T0 + 12 * Ns.S);

        Assert.True(pipeline.FanIn.Counters.Detections > 0, "busy resolvers do show up as (unsynchronised) fan-in");
        Assert.Equal(0, sentinel.Counters.Alerted);
        Assert.Equal(0, sentinel.Counters.Autonomous);
        Assert.Empty(sentinel.RecentCards());
        Assert.Equal(0, pipeline.Attractor.Counters.Detections);
        Assert.Equal(0, pipeline.Drift.Counters.Detections);
        Assert.All(sentinel.Observations.Recent().Concat(sentinel.Suggestions.Peek(100)),
            s => Assert.Equal(DetectionVerdict.FanIn, s.Detection.Verdict));
        Assert.Equal(2, pipeline.Graph!.TopEntities(2).Count(e => e.NodeId == _f.Node("10.0.0.53") || e.NodeId == _f.Node("10.0.0.123")));
    }

    [Fact]
    public void A_synchronised_botnet_wakes_tier_3_and_the_card_says_no_investigator_is_configured()
    {
        var cards = new List<EventCard>();
        var sentinel = new Sentinel(cards: new CardList(cards), directory: _f.Directory);
        var pipeline = new DetectionPipeline(new ThresholdSet(), sentinel, _f.Directory);

        pipeline.Observe(Scenarios.SynchronisedBotnet(_f, Ns.T0).ToArray());
        pipeline.Advance(Ns.T0 + 2 * Ns.S);

        EventCard card = Assert.Single(cards, c => c.Pattern == "botnet_coordination");
        Assert.Equal(AlertTier.Autonomous, card.Tier);
        Assert.Equal(0.92, card.Confidence);
        Assert.Equal(Sentinel.NoInvestigator, card.Investigation);
        Assert.Equal("198.51.100.10", card.SubjectAddress);
        Assert.Equal(121, card.NodeCount);
        // The attractor sees the same 120 diverse, synchronised sources on one service: a second Tier-3 card.
        Assert.Single(cards, c => c.Pattern == "rotating_botnet");
        Assert.Equal(2, sentinel.Counters.Autonomous);
        Assert.NotNull(pipeline.Metrics.Latest);
    }

    [Fact]
    public void Cooled_down_detections_are_counted_by_the_sentinel()
    {
        var sentinel = new Sentinel();
        var drift = new TopologyDriftDetector(new ThresholdSet(), sentinel, _f.Directory);
        for (int s = 1; s <= 3; s++)
        {
            foreach (int p in Enumerable.Range(1, 40))
            {
                drift.Observe(_f.Open(Ns.T0 + p * Ns.Ms, $"203.0.113.{s}", "198.51.100.7", (ushort)p));
            }
        }

        drift.Advance(Ns.T0 + Ns.S);
        Assert.Equal(1, sentinel.Counters.Received);
        Assert.Equal(2, sentinel.Counters.CooledDown);
    }

    [Fact]
    public void Replays_are_deterministic()
    {
        List<GraphEdge> edges = [.. Scenarios.RotatingBotnet(_f, Ns.T0), .. Scenarios.SynchronisedBotnet(_f, Ns.T0 + 3 * Ns.S)];
        edges.Sort((a, b) => a.TimestampNs.CompareTo(b.TimestampNs));

        string Run()
        {
            var sink = new DetectionCollector();
            var pipeline = new DetectionPipeline(new ThresholdSet(), sink, _f.Directory);
            pipeline.Observe(edges.ToArray());
            pipeline.Advance(Ns.T0 + 20 * Ns.S);
            return string.Join("\n", sink.Detections.Select(d => $"{d.Label} {d.WindowEndNs} {string.Join(",", d.NodeIds)}"));
        }

        string first = Run();
        Assert.NotEmpty(first);
        Assert.Equal(first, Run());
    }

    [Fact]
    public void Results_do_not_depend_on_batch_boundaries()
    {
        GraphEdge[] edges = [.. Scenarios.RotatingBotnet(_f, Ns.T0), .. Scenarios.SynchronisedBotnet(_f, Ns.T0 + 3 * Ns.S),
            .. Scenarios.DnsAndNtpServers(_f, Ns.T0, 6 * Ns.S, clients: 100)];
        Array.Sort(edges, (a, b) => a.TimestampNs.CompareTo(b.TimestampNs));

        string Run(int batchSize)
        {
            var sink = new DetectionCollector();
            var pipeline = new DetectionPipeline(new ThresholdSet(), sink, _f.Directory);
            foreach (GraphEdge[] batch in edges.Chunk(batchSize))
            {
                pipeline.Observe(batch);
            }

            pipeline.Advance(Ns.T0 + 20 * Ns.S);
            return string.Join("\n", sink.Detections
                .Select(d => $"{d.Label} {d.WindowEndNs} {d.Context?.WindowEndNs} {string.Join(",", d.NodeIds)}")
                .Order(StringComparer.Ordinal));
        }

        string whole = Run(edges.Length);
        Assert.Contains("ROTATING_BOTNET", whole);
        Assert.Equal(whole, Run(1));
        Assert.Equal(whole, Run(4096));
        Assert.Equal(whole, Run(777));
    }

    [Fact]
    public void Batches_and_single_records_give_the_same_results_even_out_of_order()
    {
        // The batch loops skip non-contacts and prefetch ahead; window closes, sweeps and
        // evaluations must still happen exactly where a record-by-record feed triggers them.
        GraphEdge[] edges = [.. Scenarios.RotatingBotnet(_f, Ns.T0), .. Scenarios.SynchronisedBotnet(_f, Ns.T0 + 3 * Ns.S),
            .. Scenarios.FlashCrowd(_f, Ns.T0 + 5 * Ns.S, 3000, Ns.S), .. Scenarios.DnsAndNtpServers(_f, Ns.T0, 8 * Ns.S, clients: 200)];
        Array.Sort(edges, (a, b) => a.TimestampNs.CompareTo(b.TimestampNs));
        var rng = new Random(5);
        for (int i = 1; i < edges.Length; i++)
        {
            int roll = rng.Next(100);
            if (roll < 10) { (edges[i], edges[i - 1]) = (edges[i - 1], edges[i]); }
            else if (roll < 12) { edges[i].TimestampNs -= (ulong)rng.Next(1, 1500) * Ns.Ms; }
            else if (roll < 15) { edges[i].TimestampNs = edges[i - 1].TimestampNs; }
        }

        string Run(bool batched)
        {
            var sink = new DetectionCollector();
            var pipeline = new DetectionPipeline(new ThresholdSet(), sink, _f.Directory);
            // The attractor census in a snapshot depends on how far the attractor got in the batch
            // when the collector closed the window; everything else must match.
            var snapshots = new List<string>();
            pipeline.Metrics.WindowClosed = s => snapshots.Add((s with { ActiveAttractors = 0 }).ToString());
            foreach (GraphEdge[] batch in edges.Chunk(1000))
            {
                if (batched)
                {
                    pipeline.Observe(batch);
                }
                else
                {
                    foreach (GraphEdge e in batch)
                    {
                        pipeline.Observe(e);
                    }
                }
            }

            pipeline.Advance(Ns.T0 + 20 * Ns.S);
            // Stage by stage, a batch reports each detector's findings together: compare per detector, in order.
            return string.Join("\n", sink.Detections
                .OrderBy(d => d.Detector, StringComparer.Ordinal)
                .Select(d => $"{d with { Context = null }} {string.Join(",", d.NodeIds)} {d.Measures} {d.Context?.WindowEndNs}")
                .Concat(snapshots));
        }

        string recordByRecord = Run(batched: false);
        Assert.Contains("RotatingBotnet", recordByRecord);
        Assert.Equal(recordByRecord, Run(batched: true));
    }

    private sealed class CardList(List<EventCard> cards) : IEventCardSink
    {
        public void OnCard(EventCard card) => cards.Add(card);
    }
}
