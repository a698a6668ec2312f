using NerfEngine.Sensor.Capture.AfPacket;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Sensor.Publishing;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>What a finished XDP capture reports: what <c>capture --engine xdp</c> prints and <c>--json</c> writes.</summary>
/// <param name="Interface">The interface the program was attached to.</param>
/// <param name="Mode">Native or generic: the mode the kernel accepted.</param>
/// <param name="ObjectPath">The BPF object loaded.</param>
/// <param name="Elapsed">Time from start to stop.</param>
/// <param name="Capture">The engine-independent statistics.</param>
/// <param name="Kernel">The program's counters.</param>
/// <param name="Records">What crossed to user space and what became of it.</param>
/// <param name="BatchDrain">Whether maps were drained with batch lookup-and-delete.</param>
/// <param name="Publishing">Batching and publishing counters after the outbox drained.</param>
/// <param name="Incarnations">Times the reader actor started (1 unless it failed and was restarted).</param>
/// <param name="Edges">Per-edge totals from OPEN and CLOSE records (empty unless an edge table capacity was set).</param>
/// <param name="OmittedEdges">Edges beyond the table's capacity (counted only).</param>
public sealed record XdpCaptureSummary(
    string Interface,
    XdpAttachMode Mode,
    string ObjectPath,
    TimeSpan Elapsed,
    CaptureStats Capture,
    XdpKernelCounters Kernel,
    XdpRecordCounts Records,
    bool BatchDrain,
    PublishingStats Publishing,
    int Incarnations,
    IReadOnlyList<CapturedEdge> Edges,
    long OmittedEdges)
{
    /// <summary>Records user space read from the kernel per packet the program saw (the SPEC's reduction).</summary>
    public double KernelRecordsPerPacket => Kernel.Packets == 0 ? 0 : (double)Records.KernelRecords / Kernel.Packets;

    /// <summary>GraphEdges emitted per packet the program saw.</summary>
    public double EdgesPerPacket => Kernel.Packets == 0 ? 0 : (double)Records.GraphEdges / Kernel.Packets;
}
