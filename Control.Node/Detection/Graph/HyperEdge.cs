namespace NerfEngine.Control.Detection.Graph;

/// <summary>
/// A hypergraph edge as seen from one evaluation time: its weight is already decayed to
/// <see cref="EvaluatedAtNs"/>. Totals are sums of the records' deltas.
/// </summary>
public readonly record struct HyperEdge(
    HyperEdgeKey Key,
    ushort DstPort,
    byte Protocol,
    double Weight,
    long FirstSeenNs,
    long LastSeenNs,
    ulong Packets,
    ulong Bytes,
    uint Records,
    long EvaluatedAtNs);
