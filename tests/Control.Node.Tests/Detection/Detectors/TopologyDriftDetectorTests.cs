namespace NerfEngine.Tests.ControlNode.Detection.Detectors;

using NerfEngine.Control.Detection.Detectors;
using NerfEngine.Shared.Messages.Records;
using NerfEngine.Tests.ControlNode.Detection.Support;

/// <summary>Scanners, lateral movement and aggregators from per-window degree deltas.</summary>
public sealed class TopologyDriftDetectorTests
{
    private readonly EdgeFactory _f = new();
    private readonly DetectionCollector _sink = new();
    private readonly TopologyDriftDetector _drift;

    // These scenarios count degrees per one-second window (the SPEC's "DRIFT[SCANNER] delta=60"),
    // so they pin the window rather than follow the shipped default.
    private static readonly DetectionThresholds OneSecondWindow = new() { DriftWindow = TimeSpan.FromSeconds(1) };

    public TopologyDriftDetectorTests() => _drift = new TopologyDriftDetector(new ThresholdSet(OneSecondWindow), _sink, _f.Directory);

    private void Feed(IEnumerable<GraphEdge> edges)
    {
        foreach (GraphEdge e in edges)
        {
            _drift.Observe(e);
        }
    }

    [Fact]
    public void Vertical_scan_of_60_ports_is_DRIFT_SCANNER_delta_60()
    {
        Feed(Enumerable.Range(1, 60).Select(p => _f.Open(Ns.T0 + p * Ns.Ms, "203.0.113.5", "198.51.100.7", (ushort)p)));
        Assert.Empty(_sink.Detections); // the window is still open
        _drift.Advance(Ns.T0 + Ns.S - 1);

        Detection d = Assert.Single(_sink.Detections);
        Assert.Equal(DetectionVerdict.Scanner, d.Verdict);
        Assert.Equal("vertical", d.Pattern);
        Assert.Equal("DRIFT[SCANNER] delta=60", d.Label);
        Assert.Equal(60, d.Measures.Delta);
        Assert.Equal(1, d.Measures.DistinctDestinations);
        Assert.Equal(0.99, d.Score);                         // min(0.99, 0.80 + 0.19·30/30)
        Assert.Equal([_f.Node("203.0.113.5"), _f.Node("198.51.100.7")], d.NodeIds.ToArray());
        Assert.Equal((Ns.T0, Ns.T0 + Ns.S), (d.WindowStartNs, d.WindowEndNs));
        Assert.Equal(DetectorPartition.SourceNode, _drift.PartitionKey);
    }

    [Fact]
    public void Horizontal_scan_of_one_port_across_45_hosts()
    {
        Feed(Enumerable.Range(1, 45).Select(i => _f.Open(Ns.T0 + i * Ns.Ms, "203.0.113.9", $"198.51.100.{i}", 22)));
        _drift.Advance(Ns.T0 + 2 * Ns.S);

        Detection d = Assert.Single(_sink.Detections);
        Assert.Equal(DetectionVerdict.Scanner, d.Verdict);
        Assert.Equal("horizontal", d.Pattern);
        Assert.Equal(45, d.Measures.Delta);
        Assert.Equal(0.895, d.Score);                        // 0.80 + 0.19·15/30
        Assert.Equal(46, d.NodeCount);
    }

    [Fact]
    public void Below_threshold_fan_out_and_repeated_contacts_are_not_drift()
    {
        Feed(Enumerable.Range(1, 29).Select(p => _f.Open(Ns.T0 + p * Ns.Ms, "203.0.113.5", "198.51.100.7", (ushort)p)));
        Feed(Enumerable.Range(0, 500).Select(i => _f.Open(Ns.T0 + i * Ns.Ms, "203.0.113.6", "198.51.100.8", 443)));
        _drift.Advance(Ns.T0 + 3 * Ns.S);

        Assert.Empty(_sink.Detections);
        Assert.Equal(529, _drift.Counters.Contacts);
    }

    [Fact]
    public void Lateral_movement_inside_10_slash_8_on_admin_ports()
    {
        Feed(Enumerable.Range(1, 12).Select(i => _f.Open(Ns.T0 + i * Ns.Ms, "10.0.0.5", $"10.0.1.{i}", 445)));
        _drift.Advance(Ns.T0 + Ns.S);

        Detection d = Assert.Single(_sink.Detections);
        Assert.Equal(DetectionVerdict.Lateral, d.Verdict);
        Assert.Equal("admin_ports", d.Pattern);
        Assert.Equal(12, d.Measures.Delta);
        Assert.Equal(0.838, d.Score);                        // 0.80 + 0.19·2/10
        Assert.Equal(13, d.NodeCount);
        Assert.Equal("DRIFT[LATERAL] delta=12", d.Label);
    }

    [Fact]
    public void Internal_fan_out_on_other_ports_is_lateral_and_external_fan_out_is_not()
    {
        Feed(Enumerable.Range(1, 11).Select(i => _f.Open(Ns.T0 + i * Ns.Ms, "10.0.0.6", $"10.0.2.{i}", 8443)));
        Feed(Enumerable.Range(1, 11).Select(i => _f.Open(Ns.T0 + i * Ns.Ms, "203.0.113.7", $"10.0.3.{i}", 445)));
        _drift.Advance(Ns.T0 + Ns.S);

        Detection d = Assert.Single(_sink.Detections);
        Assert.Equal("fan_out", d.Pattern);
        Assert.Equal(_f.Node("10.0.0.6"), d.SubjectNode);
    }

    [Fact]
    public void Aggregator_is_an_in_degree_jump_over_an_established_baseline()
    {
        // A new server's first busy window is not drift; a jump against its own baseline is.
        Feed(Enumerable.Range(1, 60).Select(i => _f.Open(Ns.T0 + i * Ns.Ms, $"198.51.100.{i}", "10.0.0.80", 443)));
        Feed(Enumerable.Range(1, 100).Select(i => _f.Open(Ns.T0 + Ns.S + i * Ns.Ms, $"203.0.113.{i}", "10.0.0.80", 443)));
        _drift.Advance(Ns.T0 + 2 * Ns.S);

        Detection d = Assert.Single(_sink.Detections);
        Assert.Equal(DetectionVerdict.Aggregator, d.Verdict);
        Assert.Equal(40, d.Measures.Delta);
        Assert.Equal(100, d.Measures.SourceCount);
        Assert.Equal(_f.Node("10.0.0.80"), d.NodeIds[0]);
        Assert.Equal(Ns.T0 + Ns.S, d.WindowStartNs);
    }

    [Fact]
    public void Cooldown_lets_one_scanner_per_second_through_strongest_first()
    {
        for (int s = 0; s < 3; s++)
        {
            int ports = 40 + 10 * s;
            Feed(Enumerable.Range(1, ports).Select(p => _f.Open(Ns.T0 + p * Ns.Ms, $"203.0.113.{s + 1}", "198.51.100.7", (ushort)p)));
        }

        Feed(Enumerable.Range(1, 35).Select(p => _f.Open(Ns.T0 + Ns.S + p * Ns.Ms, "203.0.113.50", "198.51.100.8", (ushort)p)));
        _drift.Advance(Ns.T0 + 2 * Ns.S);

        Assert.Equal(2, _sink.Detections.Count);
        Assert.Equal(_f.Node("203.0.113.3"), _sink.Detections[0].SubjectNode); // 60 ports beat 50 and 40
        Assert.Equal(_f.Node("203.0.113.50"), _sink.Detections[1].SubjectNode);
        Assert.Equal(2, _sink.CooledDown.Count);
        Assert.Equal(2, _drift.Counters.CooledDown);
    }

    [Fact]
    public void A_steady_scanner_is_drift_at_onset_not_in_every_window()
    {
        for (int w = 0; w < 4; w++)
        {
            Feed(Enumerable.Range(1, 60).Select(p =>
                _f.Open(Ns.T0 + w * Ns.S + p * Ns.Ms, "203.0.113.5", "198.51.100.7", (ushort)(w * 100 + p))));
        }

        _drift.Advance(Ns.T0 + 10 * Ns.S);
        Assert.Single(_sink.Detections);
    }

    [Fact]
    public void A_threshold_reload_takes_effect_at_the_next_window()
    {
        var set = new ThresholdSet(OneSecondWindow);
        var drift = new TopologyDriftDetector(set, _sink, _f.Directory);
        drift.Observe(_f.Open(Ns.T0, "203.0.113.1", "198.51.100.1", 1));
        set.Reload(OneSecondWindow with { ScannerDeltaThreshold = 10 });
        foreach (int p in Enumerable.Range(1, 15))
        {
            drift.Observe(_f.Open(Ns.T0 + Ns.S + p * Ns.Ms, "203.0.113.2", "198.51.100.2", (ushort)p));
        }

        drift.Advance(Ns.T0 + 2 * Ns.S);
        Assert.Equal(15, Assert.Single(_sink.Detections).Measures.Delta);
    }
}
