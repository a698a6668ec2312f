namespace NerfEngine.Tests.ControlNode.Detection.Detectors;

using NerfEngine.Control.Detection.Detectors;
using NerfEngine.Shared.Messages.Records;
using NerfEngine.Tests.ControlNode.Detection.Support;

/// <summary>One shared snapshot per window: density, churn, sync, source entropy, top fan-in.</summary>
public sealed class HypergraphMetricsCollectorTests
{
    private readonly EdgeFactory _f = new();

    [Fact]
    public void Snapshot_reports_density_churn_and_top_fan_in_per_window()
    {
        var collector = new HypergraphMetricsCollector(new ThresholdSet());
        var snapshots = new List<HypergraphMetricsSnapshot>();
        collector.WindowClosed = snapshots.Add;

        collector.Observe(_f.Open(Ns.T0 + 1, "10.0.0.1", "10.0.0.2", 80));
        collector.Observe(_f.Open(Ns.T0 + 2, "10.0.0.1", "10.0.0.3", 80));
        collector.Observe(_f.Edge(EdgeKind.Tick, Ns.T0 + 3, "10.0.0.2", "10.0.0.3", 80));
        collector.Observe(_f.Edge(EdgeKind.Tick, Ns.T0 + 4, "10.0.0.2", "10.0.0.3", 80));
        Assert.Null(collector.Latest);

        collector.Observe(_f.Edge(EdgeKind.Tick, Ns.T0 + Ns.S + 1, "10.0.0.1", "10.0.0.2", 80));
        collector.Observe(_f.Open(Ns.T0 + Ns.S + 2, "10.0.0.3", "10.0.0.1", 80));
        collector.Advance(Ns.T0 + 2 * Ns.S);

        Assert.Equal(2, snapshots.Count);
        HypergraphMetricsSnapshot first = snapshots[0];
        Assert.Equal((3, 3), (first.Nodes, first.Edges));
        Assert.Equal(0.5, first.ClusterDensity);              // 3 / (3·2)
        Assert.Equal(1.0, first.EdgeChurn);                   // nothing before
        Assert.Equal(_f.Node("10.0.0.3"), first.TopFanInNode);
        Assert.Equal(2.0, first.TopFanInPerSecond);
        Assert.Equal(0.0, first.SourceEntropyBits);           // both contacts came from 10.0.0.1
        Assert.Equal((2L, 4L), (first.Contacts, first.Records));

        HypergraphMetricsSnapshot second = snapshots[1];
        Assert.Equal(0.5, second.EdgeChurn);                  // 10.0.0.3→10.0.0.1 is new, 10.0.0.1→10.0.0.2 is not
        Assert.Same(second, collector.Latest);
    }

    [Fact]
    public void Synchronised_contacts_give_high_temporal_sync_and_random_ones_low()
    {
        var collector = new HypergraphMetricsCollector(new ThresholdSet());
        foreach (GraphEdge e in Scenarios.SynchronisedBotnet(_f, Ns.T0))
        {
            collector.Observe(e);
        }

        collector.Advance(Ns.T0 + Ns.S);
        Assert.True(collector.Latest!.TemporalSync > 0.95);
        Assert.Equal(Math.Log2(120), collector.Latest.SourceEntropyBits, 9);

        foreach (GraphEdge e in Scenarios.FlashCrowd(_f, Ns.T0 + Ns.S, 2000, Ns.S))
        {
            collector.Observe(e);
        }

        collector.Advance(Ns.T0 + 2 * Ns.S);
        Assert.True(collector.Latest.TemporalSync < 0.2, $"sync {collector.Latest.TemporalSync}");
    }
}
