using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Shared.Messages.Records;

using NerfEngine.Shared.Fabric.Transport;

namespace NerfEngine.Sensor.Cli;

/// <summary>
/// The machine-readable summary of <c>replay --json</c>: counters plus the per-conversation table
/// (src, dst, ports, protocol, packets and bytes per direction). snake_case names; written field by
/// field with <see cref="Utf8JsonWriter"/> so the shape is explicit and needs no reflection.
/// </summary>
internal static class ReplayJsonWriter
{
    /// <summary>UTF-8 bytes gathered before they are handed to the output.</summary>
    private const int OutputChunkBytes = 64 * 1024;

    /// <summary>
    /// Writes the summary and a newline to <paramref name="output"/>, streaming: the text goes out in
    /// pieces of about <see cref="OutputChunkBytes"/> as it is produced. A large capture's summary is
    /// megabytes; built whole, it was copied, re-encoded and faulted into memory page by page.
    /// </summary>
    public static void Write(TextWriter output, ReplaySummary summary, SensorTransport transport)
    {
        using var chunks = new ChunkedOutput(output);
        // No validation: the document's shape is fixed by this code, not by its input.
        using (var json = new Utf8JsonWriter(chunks.Buffer, new JsonWriterOptions { Indented = true, SkipValidation = true }))
        {
            Write(json, chunks, summary, transport);
        }

        chunks.Drain(final: true);
        output.WriteLine();
    }

    private static void Write(Utf8JsonWriter json, ChunkedOutput chunks, ReplaySummary summary, SensorTransport transport)
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
        Span<byte> time = stackalloc byte[TimeLength];
        WriteTime(json, Names.FirstPacket, summary.FirstTimestampNs, time);
        WriteTime(json, Names.LastPacket, summary.LastTimestampNs, time);
        WriteCapture(json, summary.Capture);
        WriteParse(json, summary);
        WriteFlows(json, summary.Flows);
        WriteEdges(json, summary.Flows);
        WritePublishing(json, summary, transport.Delivered);
        WriteTransport(json, transport);
        WriteConversations(json, chunks, summary);
        json.WriteEndObject();
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

    private static void WritePublishing(Utf8JsonWriter json, ReplaySummary summary, DeliveredEdgeCounter? delivered)
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
        if (delivered is not null)
        {
            // In-process only: with a broker the control node consumes the batches, not this process.
            json.WriteNumber("batches_delivered", delivered.Batches);
            json.WriteNumber("edges_delivered", delivered.Edges);
            json.WriteNumber("node_addresses_delivered", delivered.NodeAddresses);
        }

        json.WriteEndObject();
    }

    /// <summary>The transport <c>Transport:Kind</c> selected and its publishing counters (summed over partitions).</summary>
    private static void WriteTransport(Utf8JsonWriter json, SensorTransport transport)
    {
        EdgePublishCounters counters = transport.Counters;
        json.WriteStartObject("transport");
        json.WriteString("kind", transport.Settings.Kind == EdgeTransportKind.InProcess ? "inprocess" : "rabbitmq");
        json.WriteString("target", transport.Settings.Describe());
        json.WriteNumber("published", counters.Published);
        json.WriteNumber("confirmed", counters.Confirmed);
        json.WriteNumber("dropped", counters.Dropped);
        json.WriteEndObject();
    }

    /// <summary>
    /// One object per conversation: the bulk of a large summary (tens of thousands of rows), so names are
    /// pre-encoded, addresses and times are formatted straight into UTF-8, and flag names are formatted
    /// once per distinct value. Written out in chunks as it goes.
    /// </summary>
    private static void WriteConversations(Utf8JsonWriter json, ChunkedOutput chunks, ReplaySummary summary)
    {
        json.WriteNumber("conversations_omitted", summary.OmittedConversations);
        json.WriteStartArray("conversations");
        Span<byte> text = stackalloc byte[64];
        // One compact line per conversation: a capture's table has as many rows as it has conversations (100,000 in a
        // 2 GB capture), and indenting every field made the table half whitespace and the slowest part of the summary.
        var rowBuffer = new ArrayBufferWriter<byte>(1024);
        using var row = new Utf8JsonWriter(rowBuffer, new JsonWriterOptions { SkipValidation = true });
        foreach (Conversation c in summary.Conversations)
        {
            // A raw value is copied as it is, leading whitespace included: that puts each row on a line of its own.
            rowBuffer.Write(RowIndent);
            WriteConversation(row, c, text);
            row.Flush();
            json.WriteRawValue(rowBuffer.WrittenSpan, skipInputValidation: true);
            rowBuffer.ResetWrittenCount();
            row.Reset();
            if (json.BytesPending >= OutputChunkBytes)
            {
                json.Flush();
                chunks.Drain(final: false);
            }
        }

        json.WriteEndArray();
    }

    /// <summary>A new line and the indentation of the conversation array's elements.</summary>
    private static ReadOnlySpan<byte> RowIndent => "\n    "u8;

    private static void WriteConversation(Utf8JsonWriter json, Conversation c, Span<byte> text)
    {
        json.WriteStartObject();
        WriteAddress(json, Names.Src, c.Source, text);
        WriteAddress(json, Names.Dst, c.Destination, text);
        json.WriteNumber(Names.SrcPort, c.SourcePort);
        json.WriteNumber(Names.DstPort, c.DestinationPort);
        json.WriteNumber(Names.Protocol, c.Protocol);
        json.WriteNumber(Names.IpVersion, c.IpVersion);
        json.WriteNumber(Names.Vlan, c.OuterVlanId);
        json.WriteNumber(Names.InnerVlan, c.InnerVlanId);
        json.WriteBoolean(Names.Fragments, c.IsFragments);
        json.WriteNumber(Names.PacketsSrcToDst, c.Forward.Packets);
        json.WriteNumber(Names.FrameBytesSrcToDst, c.Forward.FrameBytes);
        json.WriteNumber(Names.IpBytesSrcToDst, c.Forward.IpBytes);
        json.WriteNumber(Names.PacketsDstToSrc, c.Reverse.Packets);
        json.WriteNumber(Names.FrameBytesDstToSrc, c.Reverse.FrameBytes);
        json.WriteNumber(Names.IpBytesDstToSrc, c.Reverse.IpBytes);
        json.WriteString(Names.TcpFlagsSrcToDst, FlagsText(c.Forward.TcpFlags));
        json.WriteString(Names.TcpFlagsDstToSrc, FlagsText(c.Reverse.TcpFlags));
        WriteTime(json, Names.FirstSeen, c.FirstSeenNs, text);
        WriteTime(json, Names.LastSeen, c.LastSeenNs, text);
        json.WriteNumber(Names.Flows, c.FlowCount);
        json.WriteEndObject();
    }

    private static void WriteAddress(Utf8JsonWriter json, JsonEncodedText name, IPAddress address, Span<byte> text)
    {
        if (address.TryFormat(text, out int length))
        {
            json.WriteString(name, text[..length]);
        }
        else
        {
            json.WriteString(name, address.ToString());
        }
    }

    /// <summary>Bytes of a time as <see cref="WriteTime"/> writes it: 2023-11-14T22:13:20.000000000Z.</summary>
    private const int TimeLength = 30;

    /// <summary>What <see cref="FormatTime"/> writes, digit by digit straight into UTF-8 (twice per row, so no format strings).</summary>
    private static void WriteTime(Utf8JsonWriter json, JsonEncodedText name, long unixNs, Span<byte> text)
    {
        if (unixNs < 0)
        {
            json.WriteString(name, FormatTime(unixNs));
            return;
        }

        long seconds = Math.DivRem(unixNs, 1_000_000_000, out long nanos);
        DateTime time = DateTime.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond);
        (int year, int month, int day) = time;
        Digits(text[..4], year);
        text[4] = (byte)'-';
        Digits(text.Slice(5, 2), month);
        text[7] = (byte)'-';
        Digits(text.Slice(8, 2), day);
        text[10] = (byte)'T';
        Digits(text.Slice(11, 2), time.Hour);
        text[13] = (byte)':';
        Digits(text.Slice(14, 2), time.Minute);
        text[16] = (byte)':';
        Digits(text.Slice(17, 2), time.Second);
        text[19] = (byte)'.';
        Digits(text.Slice(20, 9), (int)nanos);
        text[29] = (byte)'Z';
        json.WriteString(name, text[..TimeLength]);

        static void Digits(Span<byte> destination, int value)
        {
            for (int i = destination.Length - 1; i >= 0; i--)
            {
                destination[i] = (byte)('0' + value % 10);
                value /= 10;
            }
        }
    }

    /// <summary>TCP flags as <see cref="Enum.ToString()"/> names them, formatted once per distinct value.</summary>
    private static string FlagsText(TcpFlags flags)
    {
        uint index = (uint)flags;
        if (index >= (uint)FlagsTexts.Length)
        {
            return flags.ToString();
        }

        // A race only formats a value twice: a reference store is atomic.
        return FlagsTexts[index] ??= flags.ToString();
    }

    /// <summary>One slot per combination of the nine TCP flag bits.</summary>
    private static readonly string?[] FlagsTexts = new string?[(int)TcpFlags.Ae << 1];

    /// <summary>
    /// The JSON writer's buffer, drained into the output piece by piece. When the output is the console
    /// and speaks UTF-8, the bytes go to standard output as they are: the console writer would decode
    /// nothing useful and write them in 256-character syscalls. Any other writer gets the text decoded
    /// into one reused char buffer (the decoder keeps a character split between pieces).
    /// </summary>
    private sealed class ChunkedOutput(TextWriter output) : IDisposable
    {
        private readonly Stream? _standardOutput = ReferenceEquals(output, Console.Out) && Console.OutputEncoding.CodePage == Encoding.UTF8.CodePage
            ? Console.OpenStandardOutput()
            : null;

        private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
        private readonly char[] _chars = new char[OutputChunkBytes];

        public ArrayBufferWriter<byte> Buffer { get; } = new(2 * OutputChunkBytes);

        public void Drain(bool final)
        {
            ReadOnlySpan<byte> bytes = Buffer.WrittenSpan;
            if (_standardOutput is not null)
            {
                output.Flush();
                _standardOutput.Write(bytes);
            }
            else
            {
                while (!bytes.IsEmpty)
                {
                    int take = Math.Min(bytes.Length, _chars.Length);
                    int chars = _decoder.GetChars(bytes[..take], _chars, flush: final && take == bytes.Length);
                    output.Write(_chars, 0, chars);
                    bytes = bytes[take..];
                }
            }

            Buffer.ResetWrittenCount();
        }

        public void Dispose() => _standardOutput?.Dispose();
    }

    /// <summary>Property names of a conversation row, encoded once.</summary>
    private static class Names
    {
        public static readonly JsonEncodedText FirstPacket = JsonEncodedText.Encode("first_packet");
        public static readonly JsonEncodedText LastPacket = JsonEncodedText.Encode("last_packet");
        public static readonly JsonEncodedText Src = JsonEncodedText.Encode("src");
        public static readonly JsonEncodedText Dst = JsonEncodedText.Encode("dst");
        public static readonly JsonEncodedText SrcPort = JsonEncodedText.Encode("src_port");
        public static readonly JsonEncodedText DstPort = JsonEncodedText.Encode("dst_port");
        public static readonly JsonEncodedText Protocol = JsonEncodedText.Encode("protocol");
        public static readonly JsonEncodedText IpVersion = JsonEncodedText.Encode("ip_version");
        public static readonly JsonEncodedText Vlan = JsonEncodedText.Encode("vlan");
        public static readonly JsonEncodedText InnerVlan = JsonEncodedText.Encode("inner_vlan");
        public static readonly JsonEncodedText Fragments = JsonEncodedText.Encode("fragments");
        public static readonly JsonEncodedText PacketsSrcToDst = JsonEncodedText.Encode("packets_src_to_dst");
        public static readonly JsonEncodedText FrameBytesSrcToDst = JsonEncodedText.Encode("frame_bytes_src_to_dst");
        public static readonly JsonEncodedText IpBytesSrcToDst = JsonEncodedText.Encode("ip_bytes_src_to_dst");
        public static readonly JsonEncodedText PacketsDstToSrc = JsonEncodedText.Encode("packets_dst_to_src");
        public static readonly JsonEncodedText FrameBytesDstToSrc = JsonEncodedText.Encode("frame_bytes_dst_to_src");
        public static readonly JsonEncodedText IpBytesDstToSrc = JsonEncodedText.Encode("ip_bytes_dst_to_src");
        public static readonly JsonEncodedText TcpFlagsSrcToDst = JsonEncodedText.Encode("tcp_flags_src_to_dst");
        public static readonly JsonEncodedText TcpFlagsDstToSrc = JsonEncodedText.Encode("tcp_flags_dst_to_src");
        public static readonly JsonEncodedText FirstSeen = JsonEncodedText.Encode("first_seen");
        public static readonly JsonEncodedText LastSeen = JsonEncodedText.Encode("last_seen");
        public static readonly JsonEncodedText Flows = JsonEncodedText.Encode("flows");
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
