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
                outcomes[SnakeCase(((ParseOutcome)i).ToString())] = summary.ParseOutcomes[i];
            }
        }
        var edgesByKind = new JsonObject();
        for (int kind = (int)EdgeKind.Open; kind < summary.Flows.EdgesByKind.Length; kind++)
        {
            edgesByKind[SnakeCase(((EdgeKind)kind).ToString())] = summary.Flows.EdgesByKind[kind];
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
            ["capture"] = new JsonObject
            {
                ["packets_captured"] = summary.Capture.PacketsCaptured,
                ["events_emitted"] = summary.Capture.EventsEmitted,
                ["parse_errors"] = summary.Capture.ParseErrors,
                ["kernel_drops"] = summary.Capture.KernelDrops,
                ["freeze_queue_count"] = summary.Capture.FreezeQueueCount,
                ["last_error"] = summary.Capture.LastError,
            },
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
            ["publishing"] = new JsonObject
            {
                ["batches_sealed"] = summary.Publishing.BatchesSealed,
                ["batches_published"] = summary.Publishing.BatchesPublished,
                ["edges_published"] = summary.Publishing.EdgesPublished,
                ["batches_dropped"] = summary.Publishing.BatchesDropped,
                ["edges_dropped"] = summary.Publishing.EdgesDropped,
                ["batches_rejected"] = summary.Publishing.BatchesRejected,
                ["batches_failed"] = summary.Publishing.BatchesFailed,
                ["last_error"] = summary.Publishing.LastError,
            },
            ["edges"] = new JsonArray([.. summary.Edges.Select(edge => (JsonNode)new JsonObject
            {
                ["source"] = edge.Source?.ToString(),
                ["destination"] = edge.Destination?.ToString(),
                ["source_port"] = edge.SourcePort,
                ["destination_port"] = edge.DestinationPort,
                ["protocol"] = edge.Protocol,
                ["packets"] = edge.Packets,
                ["bytes"] = edge.Bytes,
                ["records"] = edge.Records,
            })]),
            ["omitted_edges"] = summary.OmittedEdges,
        };
    }

    /// <summary>"TruncatedIpv4" → "truncated_ipv4".</summary>
    private static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
