namespace NerfEngine.Tests.ControlNode.Detection.Detectors;

using NerfEngine.Control.Detection.Detectors;
using NerfEngine.Shared.Messages.Records;
using NerfEngine.Tests.ControlNode.Detection.Support;

/// <summary>Synchronised fan-in is botnet coordination; unsynchronised fan-in (flash crowd, CDN) is not.</summary>
public sealed class TemporalFanInDetectorTests
{
    private readonly EdgeFactory _f = new();
    private readonly DetectionCollector _sink = new();
    private readonly TemporalFanInDetector _fanIn;

    public TemporalFanInDetectorTests() => _fanIn = new TemporalFanInDetector(new ThresholdSet(), _sink);

    private void Feed(IEnumerable<GraphEdge> edges)
    {
        foreach (GraphEdge e in edges)
        {
            _fanIn.Observe(e);
        }
    }

    [Fact]
    public void Botnet_fan_in_of_120_synchronised_sources_is_reported()
    {
        Feed(Scenarios.SynchronisedBotnet(_f, Ns.T0));
        _fanIn.Advance(Ns.T0 + Ns.S);

        Detection d = Assert.Single(_sink.Detections);
        Assert.Equal(DetectionVerdict.BotnetCoordination, d.Verdict);
        Assert.Equal(120, d.Measures.SourceCount);
        Assert.Equal(Math.Log2(120), d.Measures.SourceEntropyBits!.Value, 9);  // ip_H = 6.91
        Assert.Equal(6.91, Math.Round(d.Measures.SourceEntropyBits.Value, 2));
        Assert.True(d.Measures.TimingEntropy <= 0.01, $"timing_H {d.Measures.TimingEntropy}");
        Assert.Equal(_f.Node("198.51.100.10"), d.SubjectNode);
        Assert.Equal((ushort)443, d.Measures.DstPort);
        Assert.Equal(121, d.NodeCount);
        Assert.Equal(200.0, d.WindowMs);
        Assert.StartsWith("FANIN[BOTNET_COORDINATION] sources=120 ip_H=6.91 timing_H=0.00", d.Label);
    }

    [Fact]
    public void Flash_crowd_with_poisson_arrivals_is_fan_in_not_botnet()
    {
        Feed(Scenarios.FlashCrowd(_f, Ns.T0, ratePerSecond: 1500, durationNs: 600 * Ns.Ms));
        _fanIn.Advance(Ns.T0 + 2 * Ns.S);

        Assert.NotEmpty(_sink.Detections);
        Assert.All(_sink.Detections, d =>
        {
            Assert.Equal(DetectionVerdict.FanIn, d.Verdict);
            Assert.True(d.Measures.TimingEntropy > 0.7, $"timing_H {d.Measures.TimingEntropy}");
        });
    }

    [Fact]
    public void A_dense_flash_crowd_is_still_not_a_botnet()
    {
        // 20,000 new clients per second: most gaps are far below 1 ms, yet arrivals are independent.
        Feed(Scenarios.FlashCrowd(_f, Ns.T0, ratePerSecond: 20_000, durationNs: 300 * Ns.Ms));
        _fanIn.Advance(Ns.T0 + 2 * Ns.S);

        Assert.NotEmpty(_sink.Detections);
        Assert.DoesNotContain(_sink.Detections, d => d.Verdict == DetectionVerdict.BotnetCoordination);
    }

    [Fact]
    public void Fewer_sources_than_the_minimum_are_not_a_fan_in()
    {
        Feed(Scenarios.SynchronisedBotnet(_f, Ns.T0, sources: 49));
        _fanIn.Advance(Ns.T0 + Ns.S);

        Assert.Empty(_sink.Detections);
    }

    [Fact]
    public void Sources_spread_beyond_the_window_do_not_add_up()
    {
        // 100 sources, one every 5 ms: only 41 fit in any 200 ms window.
        Feed(Enumerable.Range(0, 100).Select(i => _f.Open(Ns.T0 + i * 5 * Ns.Ms, EdgeFactory.DiverseAddress(i), "198.51.100.10", 443)));
        _fanIn.Advance(Ns.T0 + 2 * Ns.S);

        Assert.Empty(_sink.Detections);
    }

    [Fact]
    public void Only_contacts_count_ticks_and_closes_do_not()
    {
        for (int i = 0; i < 120; i++)
        {
            _fanIn.Observe(_f.Edge(EdgeKind.Tick, Ns.T0 + i * 100 * Ns.Us, EdgeFactory.DiverseAddress(i), "198.51.100.10", 443));
        }

        _fanIn.Advance(Ns.T0 + Ns.S);
        Assert.Empty(_sink.Detections);
        Assert.Equal(0, _fanIn.Counters.Contacts);
        Assert.Equal(120, _fanIn.Counters.Edges);
    }

    [Fact]
    public void A_repeated_burst_within_the_cooldown_is_suppressed()
    {
        Feed(Scenarios.SynchronisedBotnet(_f, Ns.T0));
        Feed(Scenarios.SynchronisedBotnet(_f, Ns.T0 + 300 * Ns.Ms, target: "198.51.100.11"));
        Feed(Scenarios.SynchronisedBotnet(_f, Ns.T0 + 1500 * Ns.Ms, target: "198.51.100.12"));
        _fanIn.Advance(Ns.T0 + 3 * Ns.S);

        Assert.Equal(2, _sink.Detections.Count);
        Assert.Equal([_f.Node("198.51.100.10"), _f.Node("198.51.100.12")], _sink.Detections.Select(d => d.SubjectNode));
        Assert.Single(_sink.CooledDown);
    }
}
