using System.Text.Json;

namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// One pass of <see cref="Utf8JsonReader"/> over an eve line, capturing the fields in
/// <see cref="EveEvent"/> and skipping everything else. The whole line is read even after the last
/// wanted field, so a line with broken JSON anywhere is counted as malformed, never half-mapped.
/// </summary>
/// <remarks>
/// Allocation-free for ordinary lines: values are views over the line; only escaped strings are
/// unescaped, into a scratch buffer that grows to the longest line seen (unescaping never lengthens).
/// </remarks>
internal sealed class EveEventReader
{
    /// <summary>Starting size of the unescape scratch; typical eve lines are under 2 KiB.</summary>
    private const int InitialScratchLength = 4096;

    private readonly JsonReaderOptions _readerOptions;

    /// <summary>Unescaped string values of the current line; [0, _scratchUsed) is taken.</summary>
    private byte[] _scratch = new byte[InitialScratchLength];

    private int _scratchUsed;

    /// <summary>Creates a reader that rejects nesting deeper than <paramref name="maxDepth"/>.</summary>
    public EveEventReader(int maxDepth)
    {
        _readerOptions = new JsonReaderOptions { MaxDepth = maxDepth, CommentHandling = JsonCommentHandling.Disallow };
    }

    /// <summary>
    /// Captures the fields of <paramref name="line"/>. False with the failure outcome (blank, malformed,
    /// not an object) when there is no event to map.
    /// </summary>
    public bool TryRead(ReadOnlySpan<byte> line, out EveEvent evt, out EveLineOutcome failure)
    {
        evt = default;
        failure = default;
        if (line.Trim(" \t\r\n"u8).IsEmpty)
        {
            failure = EveLineOutcome.BlankLine;
            return false;
        }

        if (_scratch.Length < line.Length)
        {
            _scratch = new byte[Math.Max(line.Length, _scratch.Length * 2)];
        }

        _scratchUsed = 0;
        var reader = new Utf8JsonReader(line, _readerOptions);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                ReadToEnd(ref reader);
                failure = EveLineOutcome.NotAnObject;
                return false;
            }

            EveEvent captured = default;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                ReadRootProperty(ref reader, ref captured);
            }

            ReadToEnd(ref reader);
            evt = captured;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: an escaped string that does not transcode (invalid UTF-8).
            evt = default;
            failure = EveLineOutcome.MalformedJson;
            return false;
        }
    }

    /// <summary>Reads past the root value: the reader throws if anything but whitespace follows.</summary>
    private static void ReadToEnd(scoped ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
        }
    }

    private void ReadRootProperty(scoped ref Utf8JsonReader reader, ref EveEvent evt)
    {
        if (reader.ValueTextEquals("timestamp"u8))
        {
            Capture(ref reader, out evt.Timestamp);
        }
        else if (reader.ValueTextEquals("event_type"u8))
        {
            Capture(ref reader, out evt.EventType);
        }
        else if (reader.ValueTextEquals("src_ip"u8))
        {
            Capture(ref reader, out evt.SrcIp);
        }
        else if (reader.ValueTextEquals("dest_ip"u8))
        {
            Capture(ref reader, out evt.DestIp);
        }
        else if (reader.ValueTextEquals("src_port"u8))
        {
            Capture(ref reader, out evt.SrcPort);
        }
        else if (reader.ValueTextEquals("dest_port"u8))
        {
            Capture(ref reader, out evt.DestPort);
        }
        else if (reader.ValueTextEquals("proto"u8))
        {
            Capture(ref reader, out evt.Proto);
        }
        else if (reader.ValueTextEquals("flow"u8))
        {
            ReadObject(ref reader, ref evt, EveSection.Flow);
        }
        else if (reader.ValueTextEquals("tcp"u8))
        {
            ReadObject(ref reader, ref evt, EveSection.Tcp);
        }
        else if (reader.ValueTextEquals("alert"u8))
        {
            ReadObject(ref reader, ref evt, EveSection.Alert);
        }
        else if (reader.ValueTextEquals("dns"u8))
        {
            ReadObject(ref reader, ref evt, EveSection.Dns);
        }
        else
        {
            reader.Skip();
        }
    }

    /// <summary>Captures wanted fields of a nested object; a value that is not an object is skipped (its fields stay absent).</summary>
    private void ReadObject(scoped ref Utf8JsonReader reader, ref EveEvent evt, EveSection section)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool captured = section switch
            {
                EveSection.Flow => ReadFlowProperty(ref reader, ref evt),
                EveSection.Tcp => reader.ValueTextEquals("tcp_flags"u8) && Capture(ref reader, out evt.TcpFlags),
                EveSection.Alert => ReadAlertProperty(ref reader, ref evt),
                _ => reader.ValueTextEquals("type"u8) && Capture(ref reader, out evt.DnsType),
            };
            if (!captured)
            {
                reader.Skip();
            }
        }
    }

    private bool ReadFlowProperty(scoped ref Utf8JsonReader reader, ref EveEvent evt)
    {
        if (reader.ValueTextEquals("pkts_toserver"u8))
        {
            return Capture(ref reader, out evt.PacketsToServer);
        }

        if (reader.ValueTextEquals("pkts_toclient"u8))
        {
            return Capture(ref reader, out evt.PacketsToClient);
        }

        if (reader.ValueTextEquals("bytes_toserver"u8))
        {
            return Capture(ref reader, out evt.BytesToServer);
        }

        if (reader.ValueTextEquals("bytes_toclient"u8))
        {
            return Capture(ref reader, out evt.BytesToClient);
        }

        if (reader.ValueTextEquals("start"u8))
        {
            return Capture(ref reader, out evt.FlowStart);
        }

        return reader.ValueTextEquals("end"u8) && Capture(ref reader, out evt.FlowEnd);
    }

    private bool ReadAlertProperty(scoped ref Utf8JsonReader reader, ref EveEvent evt)
    {
        if (reader.ValueTextEquals("signature_id"u8))
        {
            return Capture(ref reader, out evt.SignatureId);
        }

        if (reader.ValueTextEquals("gid"u8))
        {
            return Capture(ref reader, out evt.Gid);
        }

        if (reader.ValueTextEquals("rev"u8))
        {
            return Capture(ref reader, out evt.Rev);
        }

        if (reader.ValueTextEquals("signature"u8))
        {
            return Capture(ref reader, out evt.Signature);
        }

        if (reader.ValueTextEquals("category"u8))
        {
            return Capture(ref reader, out evt.Category);
        }

        return reader.ValueTextEquals("severity"u8) && Capture(ref reader, out evt.Severity);
    }

    /// <summary>
    /// Moves to the property's value and keeps it: strings and numbers by value, anything else by its
    /// token alone (skipped), so "present but of the wrong type" is told apart from "absent".
    /// </summary>
    /// <returns>Always true, so callers can chain it after a name test.</returns>
    private bool Capture(scoped ref Utf8JsonReader reader, out EveValue value)
    {
        reader.Read();
        value = default;
        value.Token = reader.TokenType;
        switch (reader.TokenType)
        {
            case JsonTokenType.String when reader.ValueIsEscaped:
                Span<byte> destination = _scratch.AsSpan(_scratchUsed);
                int written = reader.CopyString(destination);
                value.Text = destination[..written];
                _scratchUsed += written;
                break;
            case JsonTokenType.String:
            case JsonTokenType.Number:
                value.Text = reader.ValueSpan;
                break;
            default:
                reader.Skip();
                break;
        }

        return true;
    }

    /// <summary>Which nested object is being read.</summary>
    private enum EveSection
    {
        Flow,
        Tcp,
        Alert,
        Dns,
    }
}
