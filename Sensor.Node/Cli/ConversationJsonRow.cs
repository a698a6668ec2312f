using System.Net;
using System.Text;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Cli;

/// <summary>
/// One conversation of <c>replay --json</c> as one compact JSON object, written byte by byte. A 2 GB capture has
/// 100,000 of them; through a JSON writer, each field was a call that checked its value for characters to escape,
/// and the table cost as much as a tenth of the replay. Nothing here can need escaping: the names are fixed,
/// the values are numbers, addresses, times and TCP flag names.
/// </summary>
internal static class ConversationJsonRow
{
    /// <summary>Room for the longest row: two IPv6 addresses, nine flag names a side, every number at its widest.</summary>
    public const int MaxLength = 1024;

    /// <summary>Bytes of a time as <see cref="WriteTime"/> writes it: 2023-11-14T22:13:20.000000000Z.</summary>
    public const int TimeLength = 30;

    /// <summary>
    /// Writes <paramref name="c"/> at the start of <paramref name="destination"/>, as <see cref="ConversationRow.ToConversation"/>
    /// would name its fields; returns the bytes written.
    /// </summary>
    internal static int Write(in ConversationRow c, Span<byte> destination)
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
        row.Time(c.FirstSeenNs);
        row.Append("\",\"last_seen\":\""u8);
        row.Time(c.LastSeenNs);
        row.Field("\",\"flows\":"u8, c.FlowCount);
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
        return true;

        static void Digits(Span<byte> destination, int value)
        {
            for (int i = destination.Length - 1; i >= 0; i--)
            {
                destination[i] = (byte)('0' + (value % 10));
                value /= 10;
            }
        }
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

        public void Append(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_destination[Length..]);
            Length += bytes.Length;
        }

        /// <summary>A number field: the punctuation before it, its name and the colon, then the value.</summary>
        public void Field<T>(ReadOnlySpan<byte> name, T value)
            where T : IUtf8SpanFormattable
        {
            Append(name);
            Number(value);
        }

        public void Number<T>(T value)
            where T : IUtf8SpanFormattable
        {
            bool written = value.TryFormat(_destination[Length..], out int length, format: default, provider: System.Globalization.CultureInfo.InvariantCulture);
            System.Diagnostics.Debug.Assert(written, "a row has room for every number");
            Length += length;
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

            for (int i = 0; i < 4; i++)
            {
                if (i > 0)
                {
                    _destination[Length++] = (byte)'.';
                }

                Number(address[i]);
            }
        }

        public void Time(long unixNs)
        {
            if (TryWriteTime(unixNs, _destination[Length..]))
            {
                Length += TimeLength;
                return;
            }

            Append(Encoding.UTF8.GetBytes(ReplayJsonWriter.FormatTime(unixNs)));
        }
    }
}
