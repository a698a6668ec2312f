using System.Text.Json.Nodes;
using NerfEngine.Sensor.Capture.AfPacket;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Sensor.Publishing;

namespace NerfEngine.Sensor.Capture;

/// <summary>The parts of a live capture's <c>--json</c> summary that every engine writes the same way.</summary>
internal static class CaptureSummaryJson
{
    /// <summary>The counters of the capture-engine contract (SPEC §2), under the same names for every engine.</summary>
    public static JsonObject Capture(CaptureStats capture) => new()
    {
        ["packets_captured"] = capture.PacketsCaptured,
        ["events_emitted"] = capture.EventsEmitted,
        ["parse_errors"] = capture.ParseErrors,
        ["kernel_drops"] = capture.KernelDrops,
        ["freeze_queue_count"] = capture.FreezeQueueCount,
        ["last_error"] = capture.LastError,
    };

    public static JsonObject Publishing(PublishingStats publishing) => new()
    {
        ["batches_sealed"] = publishing.BatchesSealed,
        ["batches_published"] = publishing.BatchesPublished,
        ["edges_published"] = publishing.EdgesPublished,
        ["batches_dropped"] = publishing.BatchesDropped,
        ["edges_dropped"] = publishing.EdgesDropped,
        ["batches_rejected"] = publishing.BatchesRejected,
        ["batches_failed"] = publishing.BatchesFailed,
        ["last_error"] = publishing.LastError,
    };

    public static JsonArray Edges(IReadOnlyList<CapturedEdge> edges) => new([.. edges.Select(edge => (JsonNode)new JsonObject
    {
        ["source"] = edge.Source?.ToString(),
        ["destination"] = edge.Destination?.ToString(),
        ["source_port"] = edge.SourcePort,
        ["destination_port"] = edge.DestinationPort,
        ["protocol"] = edge.Protocol,
        ["packets"] = edge.Packets,
        ["bytes"] = edge.Bytes,
        ["records"] = edge.Records,
    })]);

    /// <summary>"TruncatedIpv4" → "truncated_ipv4".</summary>
    public static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
