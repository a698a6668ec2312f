using System.Text.Json.Nodes;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// The machine-readable form of an <see cref="XdpCaptureSummary"/> (<c>capture --engine xdp --json</c>): the
/// same <c>capture</c>, <c>publishing</c> and <c>edges</c> sections as the AF_PACKET summary, plus the program's
/// counters and what crossed to user space (<c>records</c>, with the reduction). snake_case names.
/// </summary>
public static class XdpSummaryJson
{
    public static JsonObject ToJson(XdpCaptureSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var edgesByKind = new JsonObject();
        for (int kind = (int)EdgeKind.Open; kind < summary.Records.EdgesByKind.Length; kind++)
        {
            edgesByKind[CaptureSummaryJson.SnakeCase(((EdgeKind)kind).ToString())] = summary.Records.EdgesByKind[kind];
        }
        var endsByReason = new JsonObject();
        for (int reason = (int)XdpFlowEndReason.TcpFin; reason < summary.Records.FlowEndsByReason.Length; reason++)
        {
            endsByReason[CaptureSummaryJson.SnakeCase(((XdpFlowEndReason)reason).ToString())] = summary.Records.FlowEndsByReason[reason];
        }
        XdpKernelCounters kernel = summary.Kernel;
        XdpRecordCounts records = summary.Records;
        return new JsonObject
        {
            ["engine"] = "xdp",
            ["interface"] = summary.Interface,
            ["mode"] = summary.Mode.ToString().ToLowerInvariant(),
            ["object"] = summary.ObjectPath,
            ["elapsed_seconds"] = Math.Round(summary.Elapsed.TotalSeconds, 3),
            ["capture"] = CaptureSummaryJson.Capture(summary.Capture),
            ["kernel"] = new JsonObject
            {
                ["packets"] = kernel.Packets,
                ["ip_packets"] = kernel.IpPackets,
                ["non_ip"] = kernel.NonIp,
                ["parse_errors"] = kernel.ParseErrors,
                ["fragments"] = kernel.Fragments,
                ["ip_bytes"] = kernel.IpBytes,
                ["flows_created"] = kernel.FlowsCreated,
                ["flow_table_failures"] = kernel.FlowTableFailures,
                ["aggregate_failures"] = kernel.AggregateFailures,
                ["edge_ring_full"] = kernel.EdgeRingFull,
                ["flow_ring_full"] = kernel.FlowRingFull,
                ["ring_reserve_failures"] = kernel.RingReserveFailures,
            },
            ["records"] = new JsonObject
            {
                ["open_events"] = records.OpenEvents,
                ["close_events"] = records.CloseEvents,
                ["flow_end_events"] = records.FlowEndEvents,
                ["aggregate_entries"] = records.AggregateEntries,
                ["flows_removed"] = records.FlowsRemoved,
                ["kernel_records"] = records.KernelRecords,
                ["kernel_records_per_packet"] = Math.Round(summary.KernelRecordsPerPacket, 6),
                ["graph_edges"] = records.GraphEdges,
                ["graph_edges_per_packet"] = Math.Round(summary.EdgesPerPacket, 6),
                ["edges_by_kind"] = edgesByKind,
                ["node_addresses"] = records.NodeAddresses,
                ["node_id_mismatches"] = records.NodeIdMismatches,
                ["malformed"] = records.Malformed,
                ["batch_drain"] = summary.BatchDrain,
            },
            ["flows"] = new JsonObject
            {
                ["ended_by_reason"] = endsByReason,
                ["packets_forward"] = records.EndedPacketsForward,
                ["packets_reverse"] = records.EndedPacketsReverse,
                ["bytes_forward"] = records.EndedBytesForward,
                ["bytes_reverse"] = records.EndedBytesReverse,
            },
            ["incarnations"] = summary.Incarnations,
            ["publishing"] = CaptureSummaryJson.Publishing(summary.Publishing),
            ["edges"] = CaptureSummaryJson.Edges(summary.Edges),
            ["omitted_edges"] = summary.OmittedEdges,
        };
    }
}
