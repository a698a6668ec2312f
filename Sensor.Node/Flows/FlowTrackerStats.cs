using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Flows;

/// <summary>A copy of the <see cref="FlowTracker"/>'s counters, for progress displays, summaries and metrics.</summary>
/// <param name="PacketsObserved">IP packets handed to the tracker.</param>
/// <param name="NonFirstFragments">Of those, non-first fragments (keyed by fragment id, no ports).</param>
/// <param name="LatePackets">Packets older than the tracker's clock (out-of-order file); counted at the clock's time.</param>
/// <param name="FlowsCreated">Flow instances created, fragment flows included.</param>
/// <param name="FragmentFlowsCreated">Flows created for non-first fragments.</param>
/// <param name="ActiveFlows">Flows in the table now.</param>
/// <param name="FlowCapacity">Flow slots allocated now (grows up to the configured maximum).</param>
/// <param name="FlowsEvicted">Flows evicted because the table was full (least recently seen first).</param>
/// <param name="ClosesByReason">CLOSE records per <see cref="FlowEndReason"/> (indexed by the enum).</param>
/// <param name="EdgesByKind">Edges emitted per <see cref="EdgeKind"/> (indexed by the enum; index 0 unused).</param>
/// <param name="NodeAddresses">NodeAddress records emitted.</param>
/// <param name="KnownNodeResets">Times the announced-node set filled up and was cleared.</param>
/// <param name="AggregateEarlyFlushes">Aggregation windows emitted early because they held the maximum edge count.</param>
public sealed record FlowTrackerStats(
    long PacketsObserved,
    long NonFirstFragments,
    long LatePackets,
    long FlowsCreated,
    long FragmentFlowsCreated,
    int ActiveFlows,
    int FlowCapacity,
    long FlowsEvicted,
    long[] ClosesByReason,
    long[] EdgesByKind,
    long NodeAddresses,
    long KnownNodeResets,
    long AggregateEarlyFlushes)
{
    /// <summary>Edges of one kind.</summary>
    public long Edges(EdgeKind kind) => EdgesByKind[(int)kind];

    /// <summary>All edges emitted.</summary>
    public long TotalEdges => EdgesByKind.Sum();
}
