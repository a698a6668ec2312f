using System.Globalization;
using System.Text;
using System.Text.Json;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Cli;

/// <summary>
/// The machine-readable summary of <c>replay --json</c>: counters plus the per-conversation table
/// (src, dst, ports, protocol, packets and bytes per direction). snake_case names; written field by
/// field with <see cref="Utf8JsonWriter"/> so the shape is explicit and needs no reflection.
/// </summary>
internal static class ReplayJsonWriter
{
    public static string Write(ReplaySummary summary, DeliveredEdgeCounter delivered)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("file", summary.Path);
            json.WriteString("format", summary.Format.ToString().ToLowerInvariant());
            json.WriteString("speed", summary.Speed.ToString());
            json.WriteBoolean("completed", summary.Completed);
            WriteNullable(json, "error", summary.Error);
            WriteNullable(json, "warning", summary.Warning);
            json.WriteNumber("elapsed_seconds", summary.Elapsed.TotalSeconds);
            json.WriteNumber("packets_read", summary.PacketsRead);
            json.WriteNumber("file_bytes", summary.FileLength);
            json.WriteString("first_packet", FormatTime(summary.FirstTimestampNs));
            json.WriteString("last_packet", FormatTime(summary.LastTimestampNs));
            WriteCapture(json, summary.Capture);
            WriteParse(json, summary);
            WriteFlows(json, summary.Flows);
            WriteEdges(json, summary.Flows);
            WritePublishing(json, summary, delivered);
            WriteConversations(json, summary);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteCapture(Utf8JsonWriter json, CaptureStats capture)
    {
        json.WriteStartObject("capture");
        json.WriteNumber("packets_captured", capture.PacketsCaptured);
        json.WriteNumber("events_emitted", capture.EventsEmitted);
        json.WriteNumber("parse_errors", capture.ParseErrors);
        json.WriteNumber("kernel_drops", capture.KernelDrops);
        json.WriteNumber("freeze_queue_count", capture.FreezeQueueCount);
        WriteNullable(json, "last_error", capture.LastError);
        json.WriteEndObject();
    }

    private static void WriteParse(Utf8JsonWriter json, ReplaySummary summary)
    {
        json.WriteStartObject("parse");
        json.WriteNumber("errors", summary.Capture.ParseErrors);
        json.WriteNumber("fragments", summary.Fragments);
        json.WriteStartObject("outcomes");
        for (int i = 0; i < ParseOutcomes.Count; i++)
        {
            json.WriteNumber(SnakeCase(((ParseOutcome)i).ToString()), summary.ParseOutcomes[i]);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteFlows(Utf8JsonWriter json, FlowTrackerStats flows)
    {
        json.WriteStartObject("flows");
        json.WriteNumber("packets_observed", flows.PacketsObserved);
        json.WriteNumber("created", flows.FlowsCreated);
        json.WriteNumber("fragment_flows", flows.FragmentFlowsCreated);
        json.WriteNumber("non_first_fragments", flows.NonFirstFragments);
        json.WriteNumber("active", flows.ActiveFlows);
        json.WriteNumber("evicted", flows.FlowsEvicted);
        json.WriteNumber("late_packets", flows.LatePackets);
        json.WriteStartObject("closes");
        for (int i = 0; i < FlowEndReasons.Count; i++)
        {
            json.WriteNumber(SnakeCase(((FlowEndReason)i).ToString()), flows.ClosesByReason[i]);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteEdges(Utf8JsonWriter json, FlowTrackerStats flows)
    {
        json.WriteStartObject("edges");
        json.WriteNumber("open", flows.Edges(EdgeKind.Open));
        json.WriteNumber("tick", flows.Edges(EdgeKind.Tick));
        json.WriteNumber("close", flows.Edges(EdgeKind.Close));
        json.WriteNumber("aggregate", flows.Edges(EdgeKind.Aggregate));
        json.WriteNumber("total", flows.TotalEdges);
        json.WriteNumber("node_addresses", flows.NodeAddresses);
        json.WriteNumber("known_node_resets", flows.KnownNodeResets);
        json.WriteNumber("aggregate_early_flushes", flows.AggregateEarlyFlushes);
        json.WriteEndObject();
    }

    private static void WritePublishing(Utf8JsonWriter json, ReplaySummary summary, DeliveredEdgeCounter delivered)
    {
        var publishing = summary.Publishing;
        json.WriteStartObject("publishing");
        json.WriteNumber("batches_sealed", publishing.BatchesSealed);
        json.WriteNumber("batches_published", publishing.BatchesPublished);
        json.WriteNumber("edges_published", publishing.EdgesPublished);
        json.WriteNumber("batches_dropped", publishing.BatchesDropped);
        json.WriteNumber("edges_dropped", publishing.EdgesDropped);
        json.WriteNumber("batches_rejected", publishing.BatchesRejected);
        json.WriteNumber("edges_rejected", publishing.EdgesRejected);
        json.WriteNumber("batches_failed", publishing.BatchesFailed);
        json.WriteNumber("batches_delivered", delivered.Batches);
        json.WriteNumber("edges_delivered", delivered.Edges);
        json.WriteNumber("node_addresses_delivered", delivered.NodeAddresses);
        json.WriteEndObject();
    }

    private static void WriteConversations(Utf8JsonWriter json, ReplaySummary summary)
    {
        json.WriteNumber("conversations_omitted", summary.OmittedConversations);
        json.WriteStartArray("conversations");
        foreach (Conversation c in summary.Conversations)
        {
            json.WriteStartObject();
            json.WriteString("src", c.Source.ToString());
            json.WriteString("dst", c.Destination.ToString());
            json.WriteNumber("src_port", c.SourcePort);
            json.WriteNumber("dst_port", c.DestinationPort);
            json.WriteNumber("protocol", c.Protocol);
            json.WriteNumber("ip_version", c.IpVersion);
            json.WriteNumber("vlan", c.OuterVlanId);
            json.WriteNumber("inner_vlan", c.InnerVlanId);
            json.WriteBoolean("fragments", c.IsFragments);
            json.WriteNumber("packets_src_to_dst", c.Forward.Packets);
            json.WriteNumber("frame_bytes_src_to_dst", c.Forward.FrameBytes);
            json.WriteNumber("ip_bytes_src_to_dst", c.Forward.IpBytes);
            json.WriteNumber("packets_dst_to_src", c.Reverse.Packets);
            json.WriteNumber("frame_bytes_dst_to_src", c.Reverse.FrameBytes);
            json.WriteNumber("ip_bytes_dst_to_src", c.Reverse.IpBytes);
            json.WriteString("tcp_flags_src_to_dst", c.Forward.TcpFlags.ToString());
            json.WriteString("tcp_flags_dst_to_src", c.Reverse.TcpFlags.ToString());
            json.WriteString("first_seen", FormatTime(c.FirstSeenNs));
            json.WriteString("last_seen", FormatTime(c.LastSeenNs));
            json.WriteNumber("flows", c.FlowCount);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    /// <summary>ISO 8601 UTC with nanoseconds, so times round-trip exactly.</summary>
    internal static string FormatTime(long unixNs)
    {
        var whole = DateTimeOffset.FromUnixTimeSeconds(Math.DivRem(unixNs, 1_000_000_000, out long nanos));
        return whole.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "." + nanos.ToString("D9", CultureInfo.InvariantCulture) + "Z";
    }

    /// <summary>"TruncatedIpv4" → "truncated_ipv4".</summary>
    internal static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
