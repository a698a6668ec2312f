namespace NerfEngine.Tests.ControlNode.Detection.Detectors;

using NerfEngine.Control.Detection.Detectors;
using NerfEngine.Shared.Messages.Records;
using NerfEngine.Tests.ControlNode.Detection.Support;

/// <summary>Rotating botnets converge on one service: large, network-diverse, synchronised, with high turnover.</summary>
public sealed class GraphAttractorDetectorTests
{
    private readonly EdgeFactory _f = new();
    private readonly DetectionCollector _sink = new();
    private readonly GraphAttractorDetector _attractor;

    public GraphAttractorDetectorTests() => _attractor = new GraphAttractorDetector(new ThresholdSet(), _sink, _f.Directory);

    private void Feed(IEnumerable<GraphEdge> edges)
    {
        foreach (GraphEdge e in edges)
        {
            _attractor.Observe(e);
        }
    }

    [Fact]
    public void Rotating_botnet_with_members_replaced_every_two_seconds_is_reported()
    {
        Feed(Scenarios.RotatingBotnet(_f, Ns.T0, cohorts: 5));
        _attractor.Advance(Ns.T0 + 12 * Ns.S);

        Assert.NotEmpty(_sink.Detections);
        Assert.All(_sink.Detections, d =>
        {
            Assert.Equal(DetectionVerdict.RotatingBotnet, d.Verdict);
            Assert.Equal(_f.Node("198.51.100.20"), d.SubjectNode);
            Assert.True(d.Measures.ClusterSize > 40);
            Assert.True(d.Measures.InfraEntropy > 0.8, $"infra {d.Measures.InfraEntropy}");
            Assert.True(d.Measures.TemporalSync > 0.75, $"sync {d.Measures.TemporalSync}");
            Assert.Equal((ushort)8080, d.Measures.DstPort);
            Assert.Equal(5 * Ns.S, d.WindowEndNs - d.WindowStartNs);
        });
        // At 6 s the window [1 s, 6 s] holds three cohorts (150 sources); the first began before the
        // window, the other two inside it, so turnover is 2/3.
        Detection full = _sink.Detections.MaxBy(d => d.Measures.ClusterSize)!;
        Assert.Equal(150, full.Measures.ClusterSize);
        Assert.Equal(2.0 / 3, full.Measures.Turnover!.Value, 9);
        Assert.Equal(1.0, _sink.Detections[0].Measures.Turnover);
        Assert.Equal(1.0, full.Measures.InfraEntropy!.Value, 9);
        Assert.Equal(3, _sink.Detections.Count);           // once per 5 s window, not every 1 s step
    }

    [Fact]
    public void The_same_cluster_from_one_network_is_not_a_rotating_botnet()
    {
        for (int tick = 0; tick < 8; tick++)
        {
            Feed(Enumerable.Range(0, 60).Select(b =>
                _f.Open(Ns.T0 + tick * 250 * Ns.Ms + b * Ns.Us, $"203.0.{b / 200}.{1 + b % 200}", "198.51.100.20", 8080)));
        }

        _attractor.Advance(Ns.T0 + 5 * Ns.S);
        Assert.Empty(_sink.Detections);
        Assert.Equal(1, _attractor.ActiveAttractorCount);  // large, just not diverse
        _attractor.Advance(Ns.T0 + 7 * Ns.S);
        Assert.Equal(0, _attractor.ActiveAttractorCount);  // the window slid past it
    }

    [Fact]
    public void A_diverse_but_unsynchronised_crowd_is_not_a_rotating_botnet()
    {
        Feed(Scenarios.FlashCrowd(_f, Ns.T0, ratePerSecond: 100, durationNs: 6 * Ns.S, target: "198.51.100.20"));
        _attractor.Advance(Ns.T0 + 7 * Ns.S);

        Assert.Empty(_sink.Detections);
        Assert.Equal(DetectorPartition.DestinationNode, _attractor.PartitionKey);
    }

    [Fact]
    public void Sources_without_a_known_address_claim_no_diversity()
    {
        var attractor = new GraphAttractorDetector(new ThresholdSet(), _sink, directory: null);
        foreach (GraphEdge e in Scenarios.RotatingBotnet(_f, Ns.T0, cohorts: 2))
        {
            attractor.Observe(e);
        }

        attractor.Advance(Ns.T0 + 6 * Ns.S);
        Assert.Empty(_sink.Detections);
    }
}
