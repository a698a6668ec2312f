using NerfEngine.Control.Detection.Graph;
using NerfEngine.Tests.ControlNode.Detection.Support;

namespace NerfEngine.Tests.ControlNode.Detection.Graph;

/// <summary>Decay is exact exponential decay in event time, lazily applied, with λ changeable at run time.</summary>
public sealed class HypergraphDecayTests
{
    private readonly EdgeFactory _f = new();

    [Fact]
    public void Weight_halves_after_one_half_life_of_event_time()
    {
        var graph = new Hypergraph(new HypergraphOptions { DecayLambdaPerSecond = Math.Log(2) });
        var edge = _f.Open(Ns.T0, "10.0.0.1", "10.0.0.2", 443);
        graph.Observe(edge);
        var key = new HyperEdgeKey(edge.SrcNode, edge.DstNode, edge.EdgeHash);

        Assert.True(graph.TryGetEdge(key, out HyperEdge atStart));
        Assert.Equal(1.0, atStart.Weight, 12);
        Assert.True(graph.TryGetEdge(key, out HyperEdge later, Ns.T0 + Ns.S));
        Assert.Equal(0.5, later.Weight, 12);
        Assert.True(graph.TryGetEdge(key, out HyperEdge muchLater, Ns.T0 + 10 * Ns.S));
        Assert.Equal(Math.Pow(2, -10), muchLater.Weight, 12);

        // Reinforcement decays what was there, then adds one record's worth.
        graph.Observe(_f.Edge(Shared.Messages.Records.EdgeKind.Tick, Ns.T0 + 2 * Ns.S, "10.0.0.1", "10.0.0.2", 443));
        Assert.True(graph.TryGetEdge(key, out HyperEdge reinforced));
        Assert.Equal(1.25, reinforced.Weight, 12);
        Assert.Equal(2u, reinforced.Records);
    }

    [Fact]
    public void Changing_lambda_at_run_time_applies_from_the_change_onwards()
    {
        var graph = new Hypergraph(new HypergraphOptions { DecayLambdaPerSecond = 0.5 });
        var edge = _f.Open(Ns.T0, "10.0.0.1", "10.0.0.2", 22);
        graph.Observe(edge);
        graph.SetDecayLambda(2.0, Ns.T0 + Ns.S);
        var key = new HyperEdgeKey(edge.SrcNode, edge.DstNode, edge.EdgeHash);

        Assert.Equal(2.0, graph.DecayLambdaPerSecond);
        Assert.True(graph.TryGetEdge(key, out HyperEdge after, Ns.T0 + 3 * Ns.S));
        Assert.Equal(Math.Exp(-0.5 * 1 - 2.0 * 2), after.Weight, 12);
        Assert.True(graph.TryGetEdge(key, out HyperEdge before, Ns.T0 + Ns.S / 2));
        Assert.Equal(Math.Exp(-0.25), before.Weight, 12);
    }

    [Fact]
    public void Decay_now_materialises_weights_and_prunes_the_faded()
    {
        var graph = new Hypergraph(new HypergraphOptions { DecayLambdaPerSecond = 1.0, PruneBelowWeight = 0.01 });
        graph.Observe(_f.Open(Ns.T0, "10.0.0.1", "10.0.0.2", 80));
        for (int i = 0; i < 10; i++)
        {
            graph.Observe(_f.Open(Ns.T0, "10.0.0.3", "10.0.0.4", 80));
        }

        int pruned = graph.DecayNow(Ns.T0 + 5 * Ns.S);

        Assert.Equal(1, pruned);                         // 1·e^−5 = 0.0067 < 0.01
        Assert.Equal(1, graph.EdgeCount);
        Assert.Equal(2, graph.NodeCount);
        Assert.Equal(1, graph.Stats.Pruned);
        HyperEdge survivor = Assert.Single(graph.RecentEdges(0, 0, 10));
        Assert.Equal(10 * Math.Exp(-5), survivor.Weight, 12);
        Assert.Equal(Ns.T0 + 5 * Ns.S, graph.NowNs);
    }

    [Fact]
    public void Prune_below_weight_removes_only_lighter_edges()
    {
        var graph = new Hypergraph(new HypergraphOptions { DecayLambdaPerSecond = 0 });
        graph.Observe(_f.Open(Ns.T0, "10.0.0.1", "10.0.0.2", 80));
        graph.Reinforce(new HyperEdgeKey(_f.Node("10.0.0.5"), _f.Node("10.0.0.6"), 99), 5.0, Ns.T0);

        Assert.Equal(1, graph.PruneBelow(2.0));
        Assert.Equal(1, graph.EdgeCount);
        Assert.Equal(5.0, Assert.Single(graph.Edges()).Weight);
    }

    [Fact]
    public void Eviction_bounds_the_edge_count_keeps_the_heaviest_and_is_counted()
    {
        var graph = new Hypergraph(new HypergraphOptions
        {
            DecayLambdaPerSecond = 0.1, PruneBelowWeight = 0, MaxEdges = 16, EvictionLowWaterFraction = 0.5,
        });
        for (int i = 0; i < 40; i++)
        {
            graph.Observe(_f.Open(Ns.T0 + i * Ns.S, "10.0.0.1", $"10.0.1.{i + 1}", 443));
        }

        HypergraphStats stats = graph.Stats;
        Assert.InRange(stats.Edges, 1, 16);
        Assert.True(stats.Evictions >= 24, $"evictions {stats.Evictions}");
        Assert.Equal(40 - stats.Evictions, stats.Edges);
        Assert.True(stats.EvictionSweeps >= 1);
        // Older edges have decayed most, so the newest survive.
        Assert.Contains(graph.Neighbors(_f.Node("10.0.0.1")), n => n.NodeId == _f.Node("10.0.1.40"));
        Assert.DoesNotContain(graph.Neighbors(_f.Node("10.0.0.1")), n => n.NodeId == _f.Node("10.0.1.1"));
    }

    [Fact]
    public void Late_records_are_credited_at_the_edges_current_time()
    {
        var graph = new Hypergraph(new HypergraphOptions { DecayLambdaPerSecond = Math.Log(2) });
        graph.Observe(_f.Open(Ns.T0 + Ns.S, "10.0.0.1", "10.0.0.2", 443));
        graph.Observe(_f.Edge(Shared.Messages.Records.EdgeKind.Tick, Ns.T0, "10.0.0.1", "10.0.0.2", 443));

        HyperEdge edge = Assert.Single(graph.Edges());
        Assert.Equal(2.0, edge.Weight, 12);
        Assert.Equal(Ns.T0 + Ns.S, edge.LastSeenNs);
    }

    [Fact]
    public void Packet_reinforcement_adds_the_packet_delta()
    {
        var graph = new Hypergraph(new HypergraphOptions { DecayLambdaPerSecond = 0, Reinforcement = ReinforcementMode.Packets });
        graph.Observe(_f.Edge(Shared.Messages.Records.EdgeKind.Open, Ns.T0, "10.0.0.1", "10.0.0.2", 443, packets: 1));
        graph.Observe(_f.Edge(Shared.Messages.Records.EdgeKind.Tick, Ns.T0 + Ns.S, "10.0.0.1", "10.0.0.2", 443, packets: 41));

        HyperEdge edge = Assert.Single(graph.Edges());
        Assert.Equal(42.0, edge.Weight);
        Assert.Equal(42ul, edge.Packets);
        Assert.Equal(42ul * 80, edge.Bytes);
    }
}
