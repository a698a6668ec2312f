namespace NerfEngine.Control.Detection.Graph;

/// <summary>How <see cref="Hypergraph.TopEntities"/> ranks nodes.</summary>
public enum HotEntityRank
{
    /// <summary>Number of visible edges touching the node (in + out).</summary>
    Degree = 0,

    /// <summary>Sum of the decayed weights of the visible edges touching the node.</summary>
    Weight = 1,
}

/// <summary>A node ranked by <see cref="Hypergraph.TopEntities"/>.</summary>
public readonly record struct HotEntity(ulong NodeId, int InDegree, int OutDegree, double Weight)
{
    /// <summary>In + out degree.</summary>
    public int Degree => InDegree + OutDegree;
}

/// <summary>Direction of a neighbour relative to the queried node.</summary>
[Flags]
public enum NeighborDirection
{
    /// <summary>The queried node sends to the neighbour.</summary>
    Out = 1,

    /// <summary>The neighbour sends to the queried node.</summary>
    In = 2,

    /// <summary>Both.</summary>
    Both = Out | In,
}

/// <summary>A neighbour of a node: every visible edge between the two is folded into one row.</summary>
public readonly record struct NodeNeighbor(ulong NodeId, NeighborDirection Direction, int EdgeCount, double Weight, long LastSeenNs);

/// <summary>
/// One service (edge hash = destination + port + protocol) as the sensors' AGG records describe it: totals over
/// every source, decayed weight like an edge's (<see cref="Hypergraph.Services"/>).
/// </summary>
/// <param name="EdgeHash">The service's edge hash (nerf_edge_hash).</param>
/// <param name="DstNode">Destination node id.</param>
/// <param name="DstPort">Destination port (0 when the protocol has none).</param>
/// <param name="Protocol">IANA protocol number.</param>
/// <param name="Weight">Decayed weight at <paramref name="EvaluatedAtNs"/>.</param>
/// <param name="FirstSeenNs">Last packet of the first aggregation window seen, Unix ns.</param>
/// <param name="LastSeenNs">Last packet of the newest aggregation window, Unix ns.</param>
/// <param name="Packets">Packets summed over the aggregates.</param>
/// <param name="Bytes">IP bytes summed over the aggregates.</param>
/// <param name="Windows">Aggregation windows (AGG records) the service was active in.</param>
/// <param name="EvaluatedAtNs">The time the weight refers to.</param>
public readonly record struct ServiceActivity(
    ulong EdgeHash, ulong DstNode, ushort DstPort, byte Protocol, double Weight, long FirstSeenNs, long LastSeenNs,
    ulong Packets, ulong Bytes, uint Windows, long EvaluatedAtNs);

/// <summary>Counts for a view of the graph (query_scope_stats).</summary>
public readonly record struct ScopeStats(int Nodes, int Edges, double TotalWeight, long EvaluatedAtNs);

/// <summary>Whole-graph counters (get_engine_metrics).</summary>
public readonly record struct HypergraphStats(
    int Nodes,
    int Edges,
    long Reinforcements,
    long Evictions,
    long Pruned,
    long EvictionSweeps,
    double DecayLambdaPerSecond,
    long NowNs);
