using NerfEngine.Control.Detection.Graph;
using NerfEngine.Tests.ControlNode.Detection.Support;

namespace NerfEngine.Tests.ControlNode.Detection.Graph;

/// <summary>Scopes, scrubbing, hot entities, neighbours, recent edges and edge ids.</summary>
public sealed class HypergraphQueryTests
{
    private readonly EdgeFactory _f = new();

    private Hypergraph NewGraph(double lambda = 0.1) =>
        new(new HypergraphOptions { DecayLambdaPerSecond = lambda, PruneBelowWeight = 0 }, _f.Directory);

    [Fact]
    public void Internal_and_external_scopes_split_east_west_from_north_south()
    {
        Hypergraph graph = NewGraph();
        graph.Observe(_f.Open(Ns.T0, "10.0.0.1", "10.0.0.2", 445));
        graph.Observe(_f.Open(Ns.T0, "10.0.0.1", "8.8.8.8", 53, protocol: 17));
        graph.Observe(_f.Open(Ns.T0, "192.168.1.9", "172.16.0.4", 22));
        graph.Scopes.Define("east-west", new ScopeFilter { Kind = ScopeKind.Internal });
        graph.Scopes.Define("north-south", new ScopeFilter { Kind = ScopeKind.External });
        graph.Scopes.Define("udp", new ScopeFilter { Kind = ScopeKind.Protocol, Protocol = 17 });

        Assert.Equal(2, graph.ScopeStats(graph.Scopes.Get("east-west")).Edges);
        Assert.Equal(4, graph.ScopeStats(graph.Scopes.Get("east-west")).Nodes);
        Assert.Equal(1, graph.ScopeStats(graph.Scopes.Get("north-south")).Edges);
        Assert.Equal(_f.Node("8.8.8.8"), Assert.Single(graph.Edges(graph.Scopes.Get("udp"))).Key.Dst);
        Assert.Equal(["east-west", "north-south", "udp"], graph.Scopes.Names);
    }

    [Fact]
    public void Scrubbing_a_scope_back_shows_edges_seen_by_then_decayed_relative_to_then()
    {
        Hypergraph graph = NewGraph(lambda: 0.1);
        graph.Observe(_f.Open(Ns.T0, "10.0.0.1", "10.0.0.2", 443));
        graph.Observe(_f.Open(Ns.T0 + 10 * Ns.S, "10.0.0.1", "10.0.0.3", 443));
        graph.Scopes.Define("replay", new ScopeFilter());

        ScopeFilter scrubbed = graph.Scopes.Scrub("replay", Ns.T0 + 5 * Ns.S);
        HyperEdge onlyOld = Assert.Single(graph.Edges(scrubbed));
        Assert.Equal(_f.Node("10.0.0.2"), onlyOld.Key.Dst);
        Assert.Equal(Math.Exp(-0.1 * 5), onlyOld.Weight, 12);
        Assert.Equal(Ns.T0 + 5 * Ns.S, onlyOld.EvaluatedAtNs);

        ScopeFilter live = graph.Scopes.Scrub("replay", null);
        Assert.Equal(2, graph.Edges(live).Count);
        Assert.Equal(Math.Exp(-0.1 * 10), graph.Edges(live).Single(e => e.Key.Dst == _f.Node("10.0.0.2")).Weight, 12);
    }

    [Fact]
    public void Min_weight_hides_light_edges_and_bad_filters_are_refused_with_every_reason()
    {
        Hypergraph graph = NewGraph(lambda: 0);
        graph.Observe(_f.Open(Ns.T0, "10.0.0.1", "10.0.0.2", 443));
        for (int i = 0; i < 3; i++)
        {
            graph.Observe(_f.Open(Ns.T0, "10.0.0.1", "10.0.0.3", 443));
        }

        Assert.Single(graph.Edges(new ScopeFilter { MinWeight = 2 }));
        var ex = Assert.Throws<ArgumentException>(() =>
            graph.Scopes.Define("bad", new ScopeFilter { Kind = ScopeKind.Protocol, MinWeight = -1 }));
        Assert.Contains("protocol", ex.Message);
        Assert.Contains("min_weight", ex.Message);
        Assert.Throws<KeyNotFoundException>(() => graph.Scopes.Scrub("missing", Ns.T0));
    }

    [Fact]
    public void Top_entities_rank_by_degree_or_by_weight()
    {
        Hypergraph graph = NewGraph(lambda: 0);
        for (int i = 1; i <= 5; i++)
        {
            graph.Observe(_f.Open(Ns.T0, "10.0.0.100", $"10.0.1.{i}", 443)); // hub: degree 5, weight 5
        }

        for (int i = 0; i < 20; i++)
        {
            graph.Observe(_f.Open(Ns.T0, "10.0.2.1", "10.0.2.2", 5432));  // heavy pair: degree 1, weight 20
        }

        IReadOnlyList<HotEntity> byDegree = graph.TopEntities(2, HotEntityRank.Degree);
        Assert.Equal(_f.Node("10.0.0.100"), byDegree[0].NodeId);
        Assert.Equal(5, byDegree[0].OutDegree);

        IReadOnlyList<HotEntity> byWeight = graph.TopEntities(2, HotEntityRank.Weight);
        Assert.Equal(new[] { _f.Node("10.0.2.1"), _f.Node("10.0.2.2") }.Order(), byWeight.Select(e => e.NodeId).Order());
        Assert.All(byWeight, e => Assert.Equal(20.0, e.Weight));
    }

    [Fact]
    public void Neighbours_fold_every_edge_between_two_nodes_in_both_directions()
    {
        Hypergraph graph = NewGraph(lambda: 0);
        graph.Observe(_f.Open(Ns.T0, "10.0.0.1", "10.0.0.2", 443));
        graph.Observe(_f.Open(Ns.T0 + 1, "10.0.0.1", "10.0.0.2", 22));
        graph.Observe(_f.Open(Ns.T0 + 2, "10.0.0.2", "10.0.0.1", 8080));
        graph.Observe(_f.Open(Ns.T0 + 3, "10.0.0.1", "10.0.0.3", 443));

        IReadOnlyList<NodeNeighbor> neighbours = graph.Neighbors(_f.Node("10.0.0.1"));

        Assert.Equal(2, neighbours.Count);
        NodeNeighbor b = neighbours[0];
        Assert.Equal(_f.Node("10.0.0.2"), b.NodeId);
        Assert.Equal(NeighborDirection.Both, b.Direction);
        Assert.Equal(3, b.EdgeCount);
        Assert.Equal(3.0, b.Weight);
        Assert.Equal(NeighborDirection.Out, neighbours[1].Direction);
        Assert.Empty(graph.Neighbors(_f.Node("203.0.113.1")));
    }

    [Fact]
    public void Recent_edges_are_those_seen_since_a_time_above_a_weight_newest_first()
    {
        Hypergraph graph = NewGraph(lambda: 0);
        graph.Observe(_f.Open(Ns.T0, "10.0.0.1", "10.0.0.2", 443));
        graph.Observe(_f.Open(Ns.T0 + 2 * Ns.S, "10.0.0.1", "10.0.0.3", 443));
        graph.Observe(_f.Open(Ns.T0 + 3 * Ns.S, "10.0.0.1", "10.0.0.4", 443));
        graph.Observe(_f.Open(Ns.T0 + 3 * Ns.S, "10.0.0.1", "10.0.0.4", 443));

        IReadOnlyList<HyperEdge> recent = graph.RecentEdges(Ns.T0 + Ns.S, minWeight: 0, limit: 10);
        Assert.Equal([_f.Node("10.0.0.4"), _f.Node("10.0.0.3")], recent.Select(e => e.Key.Dst));
        Assert.Single(graph.RecentEdges(Ns.T0 + Ns.S, minWeight: 2, limit: 10));
        Assert.Single(graph.RecentEdges(Ns.T0, minWeight: 0, limit: 1));
    }

    [Fact]
    public void Edge_ids_round_trip_through_get_edge_by_id()
    {
        Hypergraph graph = NewGraph(lambda: 0);
        var record = _f.Open(Ns.T0, "10.0.0.1", "10.0.0.2", 443);
        graph.Observe(record);
        HyperEdge edge = Assert.Single(graph.Edges());

        Assert.True(graph.TryGetEdge(edge.Key.Id, out HyperEdge found));
        Assert.Equal(edge, found);
        Assert.Equal((ushort)443, found.DstPort);
        Assert.Equal(record.EdgeHash, found.Key.EdgeHash);
        Assert.False(graph.TryGetEdge("not-an-id", out _));
        Assert.False(graph.TryGetEdge(new HyperEdgeKey(1, 2, 3).Id, out _));
        Assert.False(graph.TryGetEdge(edge.Key, out _, atNs: Ns.T0 - 1)); // not yet seen then
    }
}
