using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// What crossed from the kernel to user space, and what user space made of it: the numbers behind the
/// XDP engine's reduction (records ÷ packets) and its flow summary.
/// </summary>
/// <param name="OpenEvents">OPEN records read from the edge_events ring.</param>
/// <param name="CloseEvents">CLOSE records read from the edge_events ring.</param>
/// <param name="FlowEndEvents">Flow-end records read from the flow_events ring.</param>
/// <param name="AggregateEntries">Edge aggregates read (and deleted) from the edge_agg maps.</param>
/// <param name="FlowsRemoved">Flows user space read and deleted from the flow table (idle, end of capture).</param>
/// <param name="Malformed">Ring records too short for their type.</param>
/// <param name="EdgesByKind">GraphEdge records emitted, indexed by <see cref="EdgeKind"/>.</param>
/// <param name="NodeAddresses">NodeAddress records emitted (first sight of a node id).</param>
/// <param name="NodeIdMismatches">Kernel node ids that differ from FNV-1a of the address in user space (never expected).</param>
/// <param name="FlowEndsByReason">Ended flows by <see cref="XdpFlowEndReason"/>.</param>
/// <param name="EndedPacketsForward">Packets originator → responder of the ended flows.</param>
/// <param name="EndedPacketsReverse">Packets responder → originator of the ended flows.</param>
/// <param name="EndedBytesForward">IP bytes originator → responder of the ended flows.</param>
/// <param name="EndedBytesReverse">IP bytes responder → originator.</param>
public sealed record XdpRecordCounts(
    long OpenEvents,
    long CloseEvents,
    long FlowEndEvents,
    long AggregateEntries,
    long FlowsRemoved,
    long Malformed,
    long[] EdgesByKind,
    long NodeAddresses,
    long NodeIdMismatches,
    long[] FlowEndsByReason,
    long EndedPacketsForward,
    long EndedPacketsReverse,
    long EndedBytesForward,
    long EndedBytesReverse)
{
    /// <summary>Nothing read yet.</summary>
    public static XdpRecordCounts Empty { get; } = new(0, 0, 0, 0, 0, 0, new long[(int)EdgeKind.Aggregate + 1], 0, 0, new long[(int)XdpFlowEndReason.EndOfCapture + 1], 0, 0, 0, 0);

    /// <summary>Every record user space read from the kernel: ring records, aggregates and removed flows.</summary>
    public long KernelRecords => OpenEvents + CloseEvents + FlowEndEvents + AggregateEntries + FlowsRemoved;

    /// <summary>GraphEdge records emitted (all kinds).</summary>
    public long GraphEdges => EdgesByKind.Sum();

    /// <summary>GraphEdge records of one kind.</summary>
    public long Edges(EdgeKind kind) => EdgesByKind[(int)kind];

    /// <summary>Two readers' counts added (reader restarts).</summary>
    public static XdpRecordCounts operator +(XdpRecordCounts a, XdpRecordCounts b) => new(
        a.OpenEvents + b.OpenEvents, a.CloseEvents + b.CloseEvents, a.FlowEndEvents + b.FlowEndEvents,
        a.AggregateEntries + b.AggregateEntries, a.FlowsRemoved + b.FlowsRemoved, a.Malformed + b.Malformed,
        [.. a.EdgesByKind.Zip(b.EdgesByKind, static (x, y) => x + y)], a.NodeAddresses + b.NodeAddresses,
        a.NodeIdMismatches + b.NodeIdMismatches, [.. a.FlowEndsByReason.Zip(b.FlowEndsByReason, static (x, y) => x + y)],
        a.EndedPacketsForward + b.EndedPacketsForward, a.EndedPacketsReverse + b.EndedPacketsReverse,
        a.EndedBytesForward + b.EndedBytesForward, a.EndedBytesReverse + b.EndedBytesReverse);
}
