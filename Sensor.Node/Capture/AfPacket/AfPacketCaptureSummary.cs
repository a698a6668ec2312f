using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Sensor.Publishing;

namespace NerfEngine.Sensor.Capture.AfPacket;

/// <summary>What a finished live capture reports: what <c>capture</c> prints and <c>--json</c> writes.</summary>
/// <param name="Interface">The interface captured on.</param>
/// <param name="Fanout">The fanout group, null with one worker.</param>
/// <param name="Filter">The capture filter, or null.</param>
/// <param name="Elapsed">Time from start to stop.</param>
/// <param name="Capture">The engine-independent statistics.</param>
/// <param name="Kernel">PACKET_STATISTICS summed over all rings.</param>
/// <param name="ParseOutcomes">Frames per <see cref="ParseOutcome"/> (indexed by the enum).</param>
/// <param name="Fragments">IP fragments among the parsed frames.</param>
/// <param name="Flows">Flow tracker counters summed over the workers.</param>
/// <param name="Publishing">Batching and publishing counters after the outbox drained.</param>
/// <param name="Workers">Per-worker ring geometry and counters.</param>
/// <param name="Edges">Per-edge totals (empty unless an edge table capacity was set).</param>
/// <param name="OmittedEdges">Edges beyond the table's capacity (counted only).</param>
public sealed record AfPacketCaptureSummary(
    string Interface,
    FanoutOptions? Fanout,
    string? Filter,
    TimeSpan Elapsed,
    CaptureStats Capture,
    KernelPacketStatistics Kernel,
    long[] ParseOutcomes,
    long Fragments,
    FlowTrackerStats Flows,
    PublishingStats Publishing,
    IReadOnlyList<AfPacketWorkerSummary> Workers,
    IReadOnlyList<CapturedEdge> Edges,
    long OmittedEdges)
{
    /// <summary>Frames with one outcome.</summary>
    public long Outcome(ParseOutcome outcome) => ParseOutcomes[(int)outcome];
}

/// <summary>One worker ring in a summary.</summary>
/// <param name="Index">Worker number.</param>
/// <param name="Ring">The geometry granted (after any ENOMEM reduction).</param>
/// <param name="PacketsCaptured">Frames read from its ring.</param>
/// <param name="Kernel">Its PACKET_STATISTICS totals.</param>
/// <param name="Incarnations">Times its actor started (1 unless the reader failed and was restarted).</param>
public sealed record AfPacketWorkerSummary(int Index, RingGeometry Ring, long PacketsCaptured, KernelPacketStatistics Kernel, int Incarnations);

/// <summary>Sums of counters over workers.</summary>
internal static class CaptureTotals
{
    public static long[] SumOutcomes(IEnumerable<long[]> perWorker)
    {
        long[] sum = new long[ParseOutcomes.Count];
        foreach (long[] counts in perWorker)
        {
            for (int i = 0; i < sum.Length && i < counts.Length; i++)
            {
                sum[i] += counts[i];
            }
        }
        return sum;
    }

    public static FlowTrackerStats SumFlows(IReadOnlyList<FlowTrackerStats> perWorker)
    {
        if (perWorker.Count == 0)
        {
            return new FlowTrackerStats(0, 0, 0, 0, 0, 0, 0, 0, new long[FlowEndReasons.Count], new long[(int)Shared.Messages.Records.EdgeKind.Aggregate + 1], 0, 0, 0);
        }
        return perWorker.Skip(1).Aggregate(perWorker[0], static (a, b) => new FlowTrackerStats(
            a.PacketsObserved + b.PacketsObserved,
            a.NonFirstFragments + b.NonFirstFragments,
            a.LatePackets + b.LatePackets,
            a.FlowsCreated + b.FlowsCreated,
            a.FragmentFlowsCreated + b.FragmentFlowsCreated,
            a.ActiveFlows + b.ActiveFlows,
            a.FlowCapacity + b.FlowCapacity,
            a.FlowsEvicted + b.FlowsEvicted,
            a.ClosesByReason.Zip(b.ClosesByReason, static (x, y) => x + y).ToArray(),
            a.EdgesByKind.Zip(b.EdgesByKind, static (x, y) => x + y).ToArray(),
            a.NodeAddresses + b.NodeAddresses,
            a.KnownNodeResets + b.KnownNodeResets,
            a.AggregateEarlyFlushes + b.AggregateEarlyFlushes));
    }
}
