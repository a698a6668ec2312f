namespace NerfEngine.Shared.Messages.Records;

/// <summary>
/// What a <see cref="GraphEdge"/> reports; mirrors <c>enum nerf_edge_kind</c> in bpf/nerf_records.h.
/// The kind says what the record's packet and byte deltas are relative to.
/// </summary>
public enum EdgeKind : byte
{
    /// <summary>Not a valid record kind; a zeroed record reads as this.</summary>
    None = 0,

    /// <summary>First packet of a flow or edge; the counters are that packet (NERF_EDGE_OPEN).</summary>
    Open = 1,

    /// <summary>The flow ended (FIN, RST, idle or active timeout); counters since the last tick (NERF_EDGE_CLOSE).</summary>
    Close = 2,

    /// <summary>Periodic report of a live flow; counters since the previous record (NERF_EDGE_TICK).</summary>
    Tick = 3,

    /// <summary>Aggregate of one edge over a window, e.g. an edge_agg map drain (NERF_EDGE_AGG).</summary>
    Aggregate = 4,
}
