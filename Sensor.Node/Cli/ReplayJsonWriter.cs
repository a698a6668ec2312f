using System.Buffers;
using System.Globalization;
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
        Span<byte> time = stackalloc byte[ConversationJsonRow.TimeLength];
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
    /// One object per conversation (<see cref="ConversationJsonRow"/>): the bulk of a large summary, tens of thousands
    /// of rows, written out in chunks as it goes.
    /// </summary>
    private static void WriteConversations(Utf8JsonWriter json, ChunkedOutput chunks, ReplaySummary summary)
    {
        json.WriteNumber("conversations_omitted", summary.OmittedConversations);
        json.WriteStartArray("conversations");
        // One compact line per conversation: a capture's table has as many rows as it has conversations (100,000 in a
        // 2 GB capture), and indenting every field made the table half whitespace and the slowest part of the summary.
        Span<byte> row = stackalloc byte[RowIndent.Length + ConversationJsonRow.MaxLength];
        RowIndent.CopyTo(row);
        ConversationTable table = summary.Conversations;
        var rows = new ConversationJsonRow();
        for (int i = 0; i < table.Count; i++)
        {
            table.Prefetch(i + RowsPrefetchedAhead);

            // A raw value is copied as it is, leading whitespace included: that puts each row on a line of its own.
            int length = rows.Write(in table.RowAt(i), row[RowIndent.Length..]);
            json.WriteRawValue(row[..(RowIndent.Length + length)], skipInputValidation: true);
            if (json.BytesPending >= OutputChunkBytes)
            {
                json.Flush();
                chunks.Drain(final: false);
            }
        }

        json.WriteEndArray();
    }

    /// <summary>How many rows ahead of the one being written the table's rows are asked for.</summary>
    private const int RowsPrefetchedAhead = 8;

    /// <summary>A new line and the indentation of the conversation array's elements.</summary>
    private static ReadOnlySpan<byte> RowIndent => "\n    "u8;

    /// <summary>A time as <see cref="FormatTime"/> writes it, digit by digit straight into UTF-8 when it is after 1970.</summary>
    private static void WriteTime(Utf8JsonWriter json, JsonEncodedText name, long unixNs, Span<byte> text)
    {
        if (ConversationJsonRow.TryWriteTime(unixNs, text))
        {
            json.WriteString(name, text[..ConversationJsonRow.TimeLength]);
        }
        else
        {
            json.WriteString(name, FormatTime(unixNs));
        }
    }

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

    /// <summary>Property names written with <see cref="WriteTime"/>, encoded once.</summary>
    private static class Names
    {
        public static readonly JsonEncodedText FirstPacket = JsonEncodedText.Encode("first_packet");
        public static readonly JsonEncodedText LastPacket = JsonEncodedText.Encode("last_packet");
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
        // Floored: a time before 1970 is the second before it plus a positive fraction (-1 ns is 23:59:59.999999999).
        long seconds = Math.DivRem(unixNs, 1_000_000_000, out long nanos);
        if (nanos < 0)
        {
            seconds--;
            nanos += 1_000_000_000;
        }

        var whole = DateTimeOffset.FromUnixTimeSeconds(seconds);
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
