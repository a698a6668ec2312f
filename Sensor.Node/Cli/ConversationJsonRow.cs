using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Cli;

/// <summary>
/// Conversations of <c>replay --json</c> as compact JSON objects, written byte by byte. A 2 GB capture has 100,000 of
/// them: through a JSON writer, each field was a call that checked its value for characters to escape, and the table
/// cost as much as a tenth of the replay. Nothing here can need escaping: the names are fixed, the values are numbers,
/// addresses, times and TCP flag names. One instance writes one table, on one thread: it remembers the text of the last
/// second each time field had, since consecutive rows in first-seen order mostly share it.
/// </summary>
internal sealed class ConversationJsonRow
{
    /// <summary>Room for the longest row: two IPv6 addresses, nine flag names a side, every number at its widest.</summary>
    public const int MaxLength = 1024;

    /// <summary>Bytes of a time as <see cref="TryWriteTime"/> writes it: 2023-11-14T22:13:20.000000000Z.</summary>
    public const int TimeLength = 30;

    /// <summary>Bytes of a time up to its fraction: 2023-11-14T22:13:20.</summary>
    private const int SecondLength = 20;

    /// <summary>The last second written as a first-seen time, and the last as a last-seen time (they alternate in a row).</summary>
    private readonly SecondText _firstSeen = new();
    private readonly SecondText _lastSeen = new();

    /// <summary>
    /// Writes <paramref name="c"/> at the start of <paramref name="destination"/>, as <see cref="ConversationRow.ToConversation"/>
    /// would name its fields; returns the bytes written.
    /// </summary>
    [MethodImpl(HotPath.Optimize)]
    public int Write(in ConversationRow c, Span<byte> destination)
    {
        FlowDirectionTotals forward = c.Forward;
        FlowDirectionTotals reverse = c.Reverse;
        var row = new Writer(destination);
        row.Append("{\"src\":\""u8);
        row.Address(c.SourceAddress);
        row.Append("\",\"dst\":\""u8);
        row.Address(c.DestinationAddress);
        row.Field("\",\"src_port\":"u8, c.SourcePort);
        row.Field(",\"dst_port\":"u8, c.DestinationPort);
        row.Field(",\"protocol\":"u8, c.Key.Protocol);
        row.Field(",\"ip_version\":"u8, c.Key.IpVersion);
        row.Field(",\"vlan\":"u8, c.Key.OuterVlanId);
        row.Field(",\"inner_vlan\":"u8, c.Key.InnerVlanId);
        row.Append(c.Key.IsFragment ? ",\"fragments\":true"u8 : ",\"fragments\":false"u8);
        row.Field(",\"packets_src_to_dst\":"u8, forward.Packets);
        row.Field(",\"frame_bytes_src_to_dst\":"u8, forward.FrameBytes);
        row.Field(",\"ip_bytes_src_to_dst\":"u8, forward.IpBytes);
        row.Field(",\"packets_dst_to_src\":"u8, reverse.Packets);
        row.Field(",\"frame_bytes_dst_to_src\":"u8, reverse.FrameBytes);
        row.Field(",\"ip_bytes_dst_to_src\":"u8, reverse.IpBytes);
        row.Append(",\"tcp_flags_src_to_dst\":\""u8);
        row.Append(FlagsText(forward.TcpFlags));
        row.Append("\",\"tcp_flags_dst_to_src\":\""u8);
        row.Append(FlagsText(reverse.TcpFlags));
        row.Append("\",\"first_seen\":\""u8);
        row.Time(c.FirstSeenNs, _firstSeen);
        row.Append("\",\"last_seen\":\""u8);
        row.Time(c.LastSeenNs, _lastSeen);
        row.Field("\",\"flows\":"u8, (uint)c.FlowCount);
        row.Append("}"u8);
        return row.Length;
    }

    /// <summary>
    /// Writes a Unix-epoch time in nanoseconds as <c>yyyy-MM-ddTHH:mm:ss.fffffffffZ</c> (<see cref="TimeLength"/> bytes),
    /// digit by digit, the text <see cref="ReplayJsonWriter.FormatTime"/> gives; false for a time before 1970, which the
    /// caller formats with that.
    /// </summary>
    public static bool TryWriteTime(long unixNs, Span<byte> text)
    {
        if (unixNs < 0)
        {
            return false;
        }

        long seconds = Math.DivRem(unixNs, 1_000_000_000, out long nanos);
        WriteSecond(seconds, text);
        WriteFraction((uint)nanos, text[SecondLength..]);
        return true;
    }

    /// <summary>The first <see cref="SecondLength"/> bytes of a time: <c>yyyy-MM-ddTHH:mm:ss.</c> of a second since 1970.</summary>
    private static void WriteSecond(long seconds, Span<byte> text)
    {
        DateTime time = DateTime.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond);
        (int year, int month, int day) = time;
        DecimalText.WritePadded(text[..4], (uint)year);
        text[4] = (byte)'-';
        DecimalText.WritePadded(text.Slice(5, 2), (uint)month);
        text[7] = (byte)'-';
        DecimalText.WritePadded(text.Slice(8, 2), (uint)day);
        text[10] = (byte)'T';
        DecimalText.WritePadded(text.Slice(11, 2), (uint)time.Hour);
        text[13] = (byte)':';
        DecimalText.WritePadded(text.Slice(14, 2), (uint)time.Minute);
        text[16] = (byte)':';
        DecimalText.WritePadded(text.Slice(17, 2), (uint)time.Second);
        text[19] = (byte)'.';
    }

    /// <summary>Nanoseconds as nine digits and the closing <c>Z</c>.</summary>
    private static void WriteFraction(uint nanos, Span<byte> text)
    {
        DecimalText.WritePadded(text[..9], nanos);
        text[9] = (byte)'Z';
    }

    /// <summary>TCP flags as <see cref="Enum.ToString()"/> names them ("Syn, Ack"), UTF-8, formatted once per value.</summary>
    private static ReadOnlySpan<byte> FlagsText(TcpFlags flags)
    {
        uint index = (uint)flags;
        if (index >= (uint)FlagsTexts.Length)
        {
            return Encoding.UTF8.GetBytes(flags.ToString());
        }

        // A race only formats a value twice: a reference store is atomic.
        return FlagsTexts[index] ??= Encoding.UTF8.GetBytes(flags.ToString());
    }

    /// <summary>One slot per combination of the nine TCP flag bits.</summary>
    private static readonly byte[]?[] FlagsTexts = new byte[]?[(int)TcpFlags.Ae << 1];

    /// <summary>Appends to a span; every row fits (<see cref="MaxLength"/>), so running out is a bug.</summary>
    private ref struct Writer(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;

        public int Length { get; private set; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Append(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_destination[Length..]);
            Length += bytes.Length;
        }

        /// <summary>A number field: the punctuation before it, its name and the colon, then the value.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Field(ReadOnlySpan<byte> name, ulong value)
        {
            Append(name);
            Length += DecimalText.Write(_destination[Length..], value);
        }

        /// <summary>An address as <see cref="IPAddress.ToString"/> writes it: IPv4 digit by digit, IPv6 through IPAddress.</summary>
        public void Address(scoped ReadOnlySpan<byte> address)
        {
            if (address.Length != 4)
            {
                bool written = new IPAddress(address).TryFormat(_destination[Length..], out int length);
                System.Diagnostics.Debug.Assert(written, "a row has room for two IPv6 addresses");
                Length += length;
                return;
            }

            Span<byte> text = _destination[Length..];
            int at = DecimalText.Write(text, address[0]);
            for (int i = 1; i < 4; i++)
            {
                text[at++] = (byte)'.';
                at += DecimalText.Write(text[at..], address[i]);
            }

            Length += at;
        }

        /// <summary>
        /// A time as <see cref="TryWriteTime"/> writes it; the date and clock part is copied when this field of the row
        /// before had the same second (first-seen times in table order mostly do; last-seen times often), so only the nine
        /// fraction digits are worked out.
        /// </summary>
        public void Time(long unixNs, SecondText last)
        {
            if (unixNs < 0)
            {
                Append(Encoding.UTF8.GetBytes(ReplayJsonWriter.FormatTime(unixNs)));
                return;
            }

            long seconds = Math.DivRem(unixNs, 1_000_000_000, out long nanos);
            if (seconds != last.Second)
            {
                WriteSecond(seconds, last.Text);
                last.Second = seconds;
            }

            Append(last.Text);
            WriteFraction((uint)nanos, _destination[Length..]);
            Length += TimeLength - SecondLength;
        }
    }

    /// <summary>A second since 1970 and its text (<see cref="WriteSecond"/>).</summary>
    private sealed class SecondText
    {
        public long Second { get; set; } = -1;

        public byte[] Text { get; } = new byte[SecondLength];
    }
}
