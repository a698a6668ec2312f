namespace NerfEngine.Sensor.Flows;

/// <summary>
/// One slot of the <see cref="FlowTable"/>: the key, the cached node ids and edge hash, totals per
/// canonical side (for summaries) and the deltas not yet reported in a GraphEdge. A struct in one
/// array, so tracking a packet touches no heap object. (The LRU links live in a separate array.)
/// </summary>
internal struct FlowEntry
{
    public FlowKey Key;

    /// <summary>Hash of <see cref="Key"/> under the table's seed; finds the bucket again on removal.</summary>
    public ulong Hash;

    /// <summary>Node ids (FNV-1a of the address bytes) of side A and side B.</summary>
    public ulong NodeA;
    public ulong NodeB;

    /// <summary>Edge hash of (responder node, responder port, protocol), fixed with the orientation.</summary>
    public ulong EdgeHash;

    /// <summary>First packet of this flow instance (event time, ns).</summary>
    public long FirstSeenNs;

    /// <summary>First packet of the current record segment: the flow start, or the restart after an active timeout.</summary>
    public long SegmentStartNs;

    /// <summary>Latest packet; also the order key of the LRU list.</summary>
    public long LastSeenNs;

    /// <summary>Totals of packets sent by side A / side B, for summaries.</summary>
    public ulong PacketsFromA;
    public ulong PacketsFromB;
    public ulong IpBytesFromA;
    public ulong IpBytesFromB;
    public ulong FrameBytesFromA;
    public ulong FrameBytesFromB;

    /// <summary>Deltas since the previous GraphEdge of this flow (both directions).</summary>
    public uint PendingPackets;
    public uint PendingBytes;

    /// <summary>OR of TCP flags sent by side A / side B (whole flow instance).</summary>
    public ushort TcpFlagsFromA;
    public ushort TcpFlagsFromB;

    /// <summary>OR of TCP flags since the previous GraphEdge.</summary>
    public byte PendingTcpFlags;

    public FlowEntryState State;

    /// <summary>This flow's entry in the edge aggregator, valid while the aggregator's generation matches.</summary>
    public int AggregateIndex;
    public int AggregateGeneration;

    public readonly bool OriginatorIsA => (State & FlowEntryState.OriginatorIsB) == 0;

    public readonly bool Has(FlowEntryState flag) => (State & flag) != 0;
}

/// <summary>Flags of a <see cref="FlowEntry"/>.</summary>
[Flags]
internal enum FlowEntryState : byte
{
    None = 0,
    InUse = 1,
    /// <summary>Side B sent the first packet (or the SYN): records name B as the source.</summary>
    OriginatorIsB = 2,
    /// <summary>The originator sent a SYN without ACK; a SYN from the responder then means simultaneous open.</summary>
    OriginatorSentSyn = 4,
    FinFromOriginator = 8,
    FinFromResponder = 16,
    /// <summary>An active timeout closed the segment; the next packet opens a new one with the same orientation.</summary>
    AwaitingRestart = 32,
}
