using System.Text.Json.Nodes;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Capture.AfPacket;

/// <summary>The machine-readable form of an <see cref="AfPacketCaptureSummary"/> (<c>capture --json</c>); snake_case names, like <c>replay --json</c>.</summary>
public static class AfPacketSummaryJson
{
    public static JsonObject ToJson(AfPacketCaptureSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var outcomes = new JsonObject();
        for (int i = 0; i < summary.ParseOutcomes.Length; i++)
        {
            if (summary.ParseOutcomes[i] != 0)
            {
                outcomes[CaptureSummaryJson.SnakeCase(((ParseOutcome)i).ToString())] = summary.ParseOutcomes[i];
            }
        }
        var edgesByKind = new JsonObject();
        for (int kind = (int)EdgeKind.Open; kind < summary.Flows.EdgesByKind.Length; kind++)
        {
            edgesByKind[CaptureSummaryJson.SnakeCase(((EdgeKind)kind).ToString())] = summary.Flows.EdgesByKind[kind];
        }

        return new JsonObject
        {
            ["interface"] = summary.Interface,
            ["elapsed_seconds"] = Math.Round(summary.Elapsed.TotalSeconds, 3),
            ["filter"] = summary.Filter,
            ["fanout"] = summary.Fanout is null ? null : new JsonObject
            {
                ["group_id"] = summary.Fanout.GroupId,
                ["mode"] = summary.Fanout.Mode.ToName(),
                ["defrag"] = summary.Fanout.Defrag,
            },
            ["capture"] = CaptureSummaryJson.Capture(summary.Capture),
            ["kernel"] = new JsonObject
            {
                ["packets"] = summary.Kernel.Packets,
                ["drops"] = summary.Kernel.Drops,
                ["freeze_queue_count"] = summary.Kernel.FreezeQueueCount,
            },
            ["workers"] = new JsonArray([.. summary.Workers.Select(worker => (JsonNode)new JsonObject
            {
                ["index"] = worker.Index,
                ["block_size"] = worker.Ring.BlockSize,
                ["block_count"] = worker.Ring.BlockCount,
                ["requested_block_count"] = worker.Ring.RequestedBlockCount,
                ["frame_size"] = worker.Ring.FrameSize,
                ["retire_timeout_ms"] = worker.Ring.RetireTimeoutMs,
                ["packets_captured"] = worker.PacketsCaptured,
                ["kernel_packets"] = worker.Kernel.Packets,
                ["kernel_drops"] = worker.Kernel.Drops,
                ["freeze_queue_count"] = worker.Kernel.FreezeQueueCount,
                ["incarnations"] = worker.Incarnations,
            })]),
            ["parse_outcomes"] = outcomes,
            ["fragments"] = summary.Fragments,
            ["flows"] = new JsonObject
            {
                ["packets_observed"] = summary.Flows.PacketsObserved,
                ["flows_created"] = summary.Flows.FlowsCreated,
                ["flows_evicted"] = summary.Flows.FlowsEvicted,
                ["late_packets"] = summary.Flows.LatePackets,
                ["edges_by_kind"] = edgesByKind,
            },
            ["publishing"] = CaptureSummaryJson.Publishing(summary.Publishing),
            ["edges"] = CaptureSummaryJson.Edges(summary.Edges),
            ["omitted_edges"] = summary.OmittedEdges,
        };
    }
}
