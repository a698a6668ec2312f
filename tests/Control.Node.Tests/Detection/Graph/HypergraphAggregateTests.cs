using NerfEngine.Control.Detection.Detectors;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Shared.Messages.Records;
using NerfEngine.Tests.ControlNode.Detection.Support;
using NerfEngine.Tests.ControlNode.Support;

namespace NerfEngine.Tests.ControlNode.Detection.Graph;

/// <summary>
/// AGG records (per-window totals of one edge hash, src_node 0 by contract) feed the per-service table
/// and never appear as a node 0 or as edges from it in any view.
/// </summary>
public sealed class HypergraphAggregateTests
{
    private const string Client = "10.0.0.7";
    private const string Server = "10.0.0.80";
    private readonly EdgeFactory _f = new();

    private Hypergraph NewGraph(double lambda = 0.1, int maxServices = 1 << 17) =>
        new(new HypergraphOptions { DecayLambdaPerSecond = lambda, PruneBelowWeight = 0.01, MaxServices = maxServices }, _f.Directory);

    [Fact]
    public void Aggregates_update_their_service_and_invent_no_node_or_edge()
    {
        Hypergraph graph = NewGraph();
        graph.Observe(_f.Open(Ns.T0, Client, Server, 443));
        graph.Observe(_f.Aggregate(Ns.T0 + 40 * Ns.Ms, Server, 443, packets: 6, bytes: 900));
        graph.Observe(_f.Aggregate(Ns.T0 + 90 * Ns.Ms, Server, 443, packets: 4, bytes: 300));

        Assert.Equal((2, 1), (graph.NodeCount, graph.EdgeCount));
        Assert.DoesNotContain(graph.TopEntities(10), e => e.NodeId == 0);
        Assert.DoesNotContain(graph.RecentEdges(0, 0, 10), e => e.Key.Src == 0);
        Assert.All(graph.Edges(), e => Assert.NotEqual(0UL, e.Key.Src));
        Assert.Empty(graph.Neighbors(0));
        Assert.Equal([_f.Node(Client)], graph.Neighbors(_f.Node(Server)).Select(n => n.NodeId));
        Assert.Equal((2, 1), (graph.ScopeStats(new ScopeFilter { MinWeight = 0.001 }).Nodes, graph.ScopeStats(new ScopeFilter { MinWeight = 0.001 }).Edges));

        ServiceActivity service = Assert.Single(graph.Services(_f.Node(Server)));
        Assert.Equal((_f.Node(Server), (ushort)443, (byte)6), (service.DstNode, service.DstPort, service.Protocol));
        Assert.Equal((10UL, 1200UL, 2U), (service.Packets, service.Bytes, service.Windows));
        Assert.Equal((Ns.T0 + 40 * Ns.Ms, Ns.T0 + 90 * Ns.Ms), (service.FirstSeenNs, service.LastSeenNs));
        Assert.True(graph.TryGetService(service.EdgeHash, out ServiceActivity same));
        Assert.Equal(service, same);
        Assert.Equal((1, 2L), (graph.ServiceCount, graph.AggregatesObserved));
    }

    [Fact]
    public void An_aggregate_alone_makes_a_service_but_no_graph_node()
    {
        Hypergraph graph = NewGraph();
        graph.Observe(_f.Aggregate(Ns.T0, Server, 53, protocol: 17));

        Assert.Equal((0, 0, 1), (graph.NodeCount, graph.EdgeCount, graph.ServiceCount));
        Assert.Empty(graph.TopEntities(5));
        Assert.False(graph.TryGetService(1234, out _));
        Assert.False(graph.TryGetService(graph.Services()[0].EdgeHash, out _, atNs: Ns.T0 - 1)); // not seen yet then
    }

    [Fact]
    public void Services_decay_are_pruned_with_edges_and_stay_within_their_bound()
    {
        Hypergraph graph = NewGraph(lambda: 1.0, maxServices: 16);
        for (int port = 1; port <= 40; port++)
        {
            graph.Observe(_f.Aggregate(Ns.T0 + port * Ns.Ms, Server, (ushort)port));
        }

        Assert.InRange(graph.ServiceCount, 1, 16);
        Assert.True(graph.ServiceEvictions > 0);
        Assert.Contains(graph.Services(), s => s.DstPort == 40); // the newest (heaviest) survive

        graph.DecayNow(Ns.T0 + 10 * Ns.S); // e^-10 < 0.01
        Assert.Equal(0, graph.ServiceCount);
    }

    [Fact]
    public void Metrics_snapshots_count_no_node_or_edge_for_aggregates()
    {
        var collector = new HypergraphMetricsCollector(new ThresholdSet());
        collector.Observe(_f.Open(Ns.T0, Client, Server, 443));
        collector.Observe(_f.Aggregate(Ns.T0 + 40 * Ns.Ms, Server, 443));
        collector.Advance(Ns.T0 + Ns.S); // closes the first 1 s window

        HypergraphMetricsSnapshot snapshot = collector.Latest!;
        Assert.Equal(Ns.T0, snapshot.WindowStartNs);
        Assert.Equal((2, 1, 2L, 1L), (snapshot.Nodes, snapshot.Edges, snapshot.Records, snapshot.Contacts));
    }

    [Fact]
    public async Task A_replayed_capture_has_services_from_its_aggregates_and_no_phantom_node()
    {
        await using var replay = await ReplayedScenario.StartAsync("vertical-scan", seed: 1);
        var (hot, recent, services, aggregates, nodeZero) = await replay.Engine.QueryAsync(c => (
            c.Graph.TopEntities(10), c.Graph.RecentEdges(long.MinValue, 0, 100_000), c.Graph.Services(),
            c.Graph.AggregatesObserved, c.Graph.Neighbors(0)));

        Assert.True(aggregates > 0, "the sensor path emits AGG records");
        Assert.NotEmpty(services);
        Assert.DoesNotContain(hot, e => e.NodeId == 0);
        Assert.DoesNotContain(recent, e => e.Key.Src == 0 || e.Key.Dst == 0);
        Assert.Empty(nodeZero);

        // The sensors' contract: a service's AGG records sum to the packets its flows' records carry.
        var flowPackets = recent.GroupBy(e => e.Key.EdgeHash).ToDictionary(g => g.Key, g => g.Aggregate(0UL, (sum, e) => sum + e.Packets));
        Assert.All(services, s => Assert.Equal(flowPackets[s.EdgeHash], s.Packets));
    }
}
