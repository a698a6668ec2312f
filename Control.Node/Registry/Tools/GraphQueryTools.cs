using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using NerfEngine.Control.Copilot.FlowScoring;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Control.Engine;

namespace NerfEngine.Control.Registry.Tools;

/// <summary>
/// Graph queries (SPEC §6): read-only, every one a message to the <see cref="GraphEngine"/> (the single owner of
/// the hypergraph), every result bounded. An optional <c>scope</c> names a view made with subscribe_scope.
/// </summary>
/// <remarks>Edges carry their latest run_tak_ml score (<see cref="FlowScoreLedger"/>).</remarks>
public sealed class GraphQueryTools(GraphEngine engine, GraphToolOptions limits, FlowScoreLedger scores) : IToolGroup
{
    public IEnumerable<ToolDefinition> CreateTools()
    {
        yield return ToolDefinition.Query<SnapshotInput, SnapshotOutput>(
                "export_graph_snapshot", "Export graph snapshot",
                "Counts and envelope of the graph (or a scope) plus its heaviest edges, capped: never an unbounded dump. " +
                "truncated says whether edges were left out.",
                Snapshot)
            .WithSummary(o => $"edges={o.Edges.Count}/{o.Envelope.EdgeCount}, nodes={o.Envelope.NodeCount}, truncated={o.Envelope.Truncated}");

        yield return ToolDefinition.Query<HotEntitiesInput, HotEntitiesOutput>(
                "query_hot_entities", "Hot entities",
                "The top-N nodes by degree (edges touching the node) or by summed decayed weight.",
                HotEntities)
            .WithSummary(o => $"entities={o.Entities.Count}, rank={o.Rank}");

        yield return ToolDefinition.Query<ServicesInput, ServicesOutput>(
                "query_services", "Top services",
                "The top-N services (destination + port + protocol, one per edge hash) from the sensors' AGG records, by decayed weight " +
                "or by packets, optionally of one destination (0x-hex node id or IP address): counters summed over every source, " +
                "aggregation windows seen, first and last seen. matched says how many services qualified before the cut.",
                Services)
            .WithCheck(CheckDestination)
            .WithSummary(o => $"services={o.Services.Count}/{o.Matched}, rank={o.Rank}");

        yield return ToolDefinition.Query<RecentEdgesInput, EdgeListOutput>(
                "query_recent_edges", "Recent edges",
                "Edges last seen at or after 'since' with decayed weight ≥ min_weight, newest first, limited.",
                RecentEdges)
            .WithSummary(o => $"edges={o.Edges.Count}, truncated={o.Truncated}");

        yield return ToolDefinition.Query<ScopeStatsInput, ScopeStatsOutput>(
                "query_scope_stats", "Scope statistics",
                "Node count, edge count and total decayed weight of the graph or of a named scope.",
                ScopeStats)
            .WithSummary(o => $"scope={o.Scope ?? "(graph)"}, nodes={o.Nodes}, edges={o.Edges}");

        yield return ToolDefinition.Query<NeighborsInput, NeighborsOutput>(
                "get_entity_neighbors", "Entity neighbours",
                "Neighbours of a node (0x-hex node id or IP address), heaviest first; every edge between the pair folds into one row.",
                Neighbors)
            .WithCheck(CheckEntity)
            .WithSummary(o => $"entity={o.Entity.NodeId}, neighbors={o.Neighbors.Count}");

        yield return ToolDefinition.Query<EdgeByIdInput, EdgeOutput>(
                "get_edge_by_id", "Edge by id",
                "One edge by the id the query tools return (0xSRC-0xDST-0xEDGEHASH).",
                EdgeById)
            .WithCheck(CheckEdgeId)
            .WithSummary(o => $"edge={o.Edge.EdgeId}, weight={o.Edge.Weight}");
    }

    internal static IReadOnlyList<string> CheckEdgeId(string edgeId) =>
        HyperEdgeKey.TryParse(edgeId, out _) ? [] : [$"edge_id: '{edgeId}' is not an edge id (expected 0xSRC-0xDST-0xEDGEHASH from a query tool)"];

    private static IReadOnlyList<string> CheckEdgeId(EdgeByIdInput input, ToolCall call) => CheckEdgeId(input.EdgeId);

    private static IReadOnlyList<string> CheckEntity(NeighborsInput input, ToolCall call) =>
        GraphViews.TryParseEntity(input.Entity, out _) ? [] : [$"entity: '{input.Entity}' is neither a 0x-hex node id nor an IP address"];

    private async ValueTask<SnapshotOutput> Snapshot(SnapshotInput input, ToolCall call, CancellationToken ct)
    {
        var limit = limits.SnapshotLimit(input.Limit);
        return await engine.QueryAsync(core =>
        {
            var graph = core.Graph;
            var scope = GraphViews.Scope(graph, input.Scope);
            var stats = graph.ScopeStats(scope);
            var edges = graph.Edges(scope, limit);
            var envelope = new SnapshotEnvelope(
                input.Scope, GraphViews.Time(stats.EvaluatedAtNs), stats.Nodes, stats.Edges, Math.Round(stats.TotalWeight, 9),
                graph.DecayLambdaPerSecond, edges.Count, edges.Count < stats.Edges, limit);
            return new SnapshotOutput(envelope, edges.Select(e => GraphViews.Edge(core.Directory, e, scores)).ToList());
        }, ct).ConfigureAwait(false);
    }

    private async ValueTask<HotEntitiesOutput> HotEntities(HotEntitiesInput input, ToolCall call, CancellationToken ct)
    {
        var n = limits.RowLimit(input.N);
        return await engine.QueryAsync(core =>
        {
            var graph = core.Graph;
            var scope = GraphViews.Scope(graph, input.Scope);
            var rank = input.Rank == EntityRank.Weight ? HotEntityRank.Weight : HotEntityRank.Degree;
            var rows = graph.TopEntities(n, rank, scope)
                .Select(h => new HotEntityEntry(GraphViews.NodeText(h.NodeId), core.Directory.AddressText(h.NodeId), h.InDegree, h.OutDegree, h.Degree, Math.Round(h.Weight, 9)))
                .ToList();
            return new HotEntitiesOutput(input.Rank, input.Scope, GraphViews.Time(graph.EvaluationTime(scope)), rows);
        }, ct).ConfigureAwait(false);
    }

    private static IReadOnlyList<string> CheckDestination(ServicesInput input, ToolCall call) =>
        input.Destination is null || GraphViews.TryParseEntity(input.Destination, out _)
            ? []
            : [$"destination: '{input.Destination}' is neither a 0x-hex node id nor an IP address"];

    private async ValueTask<ServicesOutput> Services(ServicesInput input, ToolCall call, CancellationToken ct)
    {
        var n = limits.RowLimit(input.N);
        ulong? dst = input.Destination is { } d && GraphViews.TryParseEntity(d, out var id) ? id : null;
        return await engine.QueryAsync(core =>
        {
            var graph = core.Graph;
            // Heaviest first from the graph; by packets needs every match (bounded by Graph:MaxServices) to sort.
            var all = graph.Services(dst);
            IEnumerable<ServiceActivity> ranked = input.Rank == ServiceRank.Packets
                ? all.OrderByDescending(s => s.Packets).ThenByDescending(s => s.Weight).ThenBy(s => s.EdgeHash)
                : all;
            var rows = ranked.Take(n).Select(s => new ServiceEntry(
                GraphViews.NodeText(s.EdgeHash), GraphViews.Node(core.Directory, s.DstNode), s.DstPort, s.Protocol, Math.Round(s.Weight, 9),
                (long)Math.Min(s.Packets, long.MaxValue), (long)Math.Min(s.Bytes, long.MaxValue), s.Windows,
                GraphViews.Time(s.FirstSeenNs), GraphViews.Time(s.LastSeenNs))).ToList();
            return new ServicesOutput(input.Rank, dst is { } node ? GraphViews.Node(core.Directory, node) : null,
                GraphViews.Time(graph.EvaluationTime(null)), all.Count, rows.Count < all.Count, rows);
        }, ct).ConfigureAwait(false);
    }

    private async ValueTask<EdgeListOutput> RecentEdges(RecentEdgesInput input, ToolCall call, CancellationToken ct)
    {
        var limit = limits.RowLimit(input.Limit);
        var sinceNs = input.Since is { } since ? GraphViews.Ns(since) : long.MinValue;
        return await engine.QueryAsync(core =>
        {
            var graph = core.Graph;
            var scope = GraphViews.Scope(graph, input.Scope);
            // One more than asked says whether the limit cut the list.
            var edges = graph.RecentEdges(sinceNs, input.MinWeight, limit + 1, scope);
            var shown = edges.Take(limit).Select(e => GraphViews.Edge(core.Directory, e, scores)).ToList();
            return new EdgeListOutput(input.Scope, GraphViews.Time(graph.EvaluationTime(scope)), shown, edges.Count > limit);
        }, ct).ConfigureAwait(false);
    }

    private async ValueTask<ScopeStatsOutput> ScopeStats(ScopeStatsInput input, ToolCall call, CancellationToken ct) =>
        await engine.QueryAsync(core =>
        {
            var scope = GraphViews.Scope(core.Graph, input.Scope);
            var stats = core.Graph.ScopeStats(scope);
            return new ScopeStatsOutput(input.Scope, scope is null ? null : GraphViews.Filter(scope), stats.Nodes, stats.Edges,
                Math.Round(stats.TotalWeight, 9), GraphViews.Time(stats.EvaluatedAtNs));
        }, ct).ConfigureAwait(false);

    private async ValueTask<NeighborsOutput> Neighbors(NeighborsInput input, ToolCall call, CancellationToken ct)
    {
        GraphViews.TryParseEntity(input.Entity, out var nodeId);
        var limit = limits.RowLimit(input.Limit);
        return await engine.QueryAsync(core =>
        {
            var graph = core.Graph;
            var scope = GraphViews.Scope(graph, input.Scope);
            var rows = graph.Neighbors(nodeId, scope, limit + 1);
            var shown = rows.Take(limit).Select(r => new NeighborEntry(
                GraphViews.NodeText(r.NodeId), core.Directory.AddressText(r.NodeId), Direction(r.Direction), r.EdgeCount,
                Math.Round(r.Weight, 9), GraphViews.Time(r.LastSeenNs))).ToList();
            return new NeighborsOutput(GraphViews.Node(core.Directory, nodeId), input.Scope, shown, rows.Count > limit);
        }, ct).ConfigureAwait(false);
    }

    private async ValueTask<EdgeOutput> EdgeById(EdgeByIdInput input, ToolCall call, CancellationToken ct) =>
        await engine.QueryAsync(core =>
        {
            var scope = GraphViews.Scope(core.Graph, input.Scope);
            var at = scope?.EvaluateAtNs;
            return core.Graph.TryGetEdge(input.EdgeId, out var edge, at)
                ? new EdgeOutput(GraphViews.Edge(core.Directory, edge, scores))
                : throw new ToolFailureException(ToolErrorCodes.NotFound, $"No edge '{input.EdgeId}' in the graph{(at is null ? string.Empty : " at the scope's scrub time")} (it may have decayed and been pruned).");
        }, ct).ConfigureAwait(false);

    private static NeighborDirectionName Direction(NeighborDirection d) => d switch
    {
        NeighborDirection.Both => NeighborDirectionName.Both,
        NeighborDirection.In => NeighborDirectionName.In,
        _ => NeighborDirectionName.Out,
    };
}

/// <summary>How hot entities are ranked.</summary>
public enum EntityRank { Degree, Weight }

/// <summary>Direction of a neighbour relative to the queried node.</summary>
public enum NeighborDirectionName { Out, In, Both }

public sealed record SnapshotInput(
    [property: Description("Scope name (subscribe_scope); the whole graph when absent."), MaxLength(64)] string? Scope = null,
    [property: Description("Most edges to include, heaviest first."), Range(1, GraphToolOptions.HardSnapshotEdges)] int Limit = GraphToolOptions.DefaultSnapshotEdges);

public sealed record SnapshotEnvelope(
    string? Scope, DateTimeOffset? EvaluatedAt, int NodeCount, int EdgeCount, double TotalWeight, double DecayLambdaPerSecond,
    int ReturnedEdges, bool Truncated, int EdgeLimit);

public sealed record SnapshotOutput(SnapshotEnvelope Envelope, IReadOnlyList<EdgeEntry> Edges);

public sealed record HotEntitiesInput(
    [property: Description("How many nodes."), Range(1, GraphToolOptions.HardQueryRows)] int N = 10,
    [property: Description("degree or weight.")] EntityRank Rank = EntityRank.Degree,
    [property: MaxLength(64)] string? Scope = null);

public sealed record HotEntityEntry(string NodeId, string? Address, int InDegree, int OutDegree, int Degree, double Weight);

public sealed record HotEntitiesOutput(EntityRank Rank, string? Scope, DateTimeOffset? EvaluatedAt, IReadOnlyList<HotEntityEntry> Entities);

/// <summary>How services are ranked.</summary>
public enum ServiceRank { Weight, Packets }

public sealed record ServicesInput(
    [property: Description("How many services."), Range(1, GraphToolOptions.HardQueryRows)] int N = 10,
    [property: Description("weight (decayed, default) or packets.")] ServiceRank Rank = ServiceRank.Weight,
    [property: Description("Only services of this destination: 0x-hex node id or IP address; every destination when absent."), MinLength(1), MaxLength(64)] string? Destination = null);

/// <summary>One service as the sensors' AGG records describe it (totals over every source).</summary>
public sealed record ServiceEntry(
    [property: Description("The service's edge hash (destination + port + protocol), 0x-prefixed hex.")] string ServiceId,
    NodeRef Dst,
    int DstPort,
    [property: Description("IANA protocol number.")] int Protocol,
    [property: Description("Decayed weight at evaluated_at.")] double Weight,
    long Packets,
    long Bytes,
    [property: Description("Aggregation windows (AGG records) the service was active in.")] long Windows,
    DateTimeOffset? FirstSeen,
    DateTimeOffset? LastSeen);

public sealed record ServicesOutput(
    ServiceRank Rank,
    [property: Description("The destination asked for; null for every destination.")] NodeRef? Destination,
    DateTimeOffset? EvaluatedAt,
    [property: Description("Services that qualified before the n cut.")] int Matched,
    bool Truncated,
    IReadOnlyList<ServiceEntry> Services);

public sealed record RecentEdgesInput(
    [property: Description("Only edges last seen at or after this time (event time); all when absent.")] DateTimeOffset? Since = null,
    [property: Description("Only edges with decayed weight ≥ this."), Range(0, double.MaxValue)] double MinWeight = 0,
    [property: Range(1, GraphToolOptions.HardQueryRows)] int Limit = GraphToolOptions.DefaultQueryRows,
    [property: MaxLength(64)] string? Scope = null);

public sealed record EdgeListOutput(string? Scope, DateTimeOffset? EvaluatedAt, IReadOnlyList<EdgeEntry> Edges, bool Truncated);

public sealed record ScopeStatsInput([property: Description("Scope name; the whole graph when absent."), MaxLength(64)] string? Scope = null);

public sealed record ScopeStatsOutput(string? Scope, ScopeFilterEntry? Filter, int Nodes, int Edges, double TotalWeight, DateTimeOffset? EvaluatedAt);

public sealed record NeighborsInput(
    [property: Description("0x-hex node id or IP address."), MinLength(1), MaxLength(64)] string Entity,
    [property: Range(1, GraphToolOptions.HardQueryRows)] int Limit = GraphToolOptions.DefaultQueryRows,
    [property: MaxLength(64)] string? Scope = null);

public sealed record NeighborEntry(string NodeId, string? Address, NeighborDirectionName Direction, int EdgeCount, double Weight, DateTimeOffset? LastSeen);

public sealed record NeighborsOutput(NodeRef Entity, string? Scope, IReadOnlyList<NeighborEntry> Neighbors, bool Truncated);

public sealed record EdgeByIdInput(
    [property: Description("Edge id from a query tool."), MinLength(1), MaxLength(128)] string EdgeId,
    [property: Description("Evaluate at this scope's scrub time."), MaxLength(64)] string? Scope = null);

public sealed record EdgeOutput(EdgeEntry Edge);
