using System.Buffers.Binary;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Capture.Files;

/// <summary>Fraction unit of a classic pcap file's timestamps.</summary>
public enum PcapTimestampPrecision
{
    /// <summary>Magic a1b2c3d4: what every tool reads.</summary>
    Microsecond,
    /// <summary>Magic a1b23c4d: what tcpdump writes with --time-stamp-precision=nano.</summary>
    Nanosecond,
}

/// <summary>
/// Writes classic little-endian pcap files (pcap-savefile(5)), e.g. generated scenarios that tcpdump,
/// tshark, tcpreplay and <see cref="CaptureFileReader"/> can all read. Record headers are built on the
/// stack, so writing allocates nothing per packet.
/// </summary>
public sealed class PcapWriter : IDisposable
{
    /// <summary>libpcap's default snap length (MAXIMUM_SNAPLEN).</summary>
    public const int DefaultSnapLength = 262144;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly PcapTimestampPrecision _precision;
    private readonly int _snapLength;

    /// <summary>Writes the 24-byte file header at once, so even a file with no records is valid.</summary>
    public PcapWriter(Stream stream, LinkType linkType = LinkType.Ethernet, PcapTimestampPrecision precision = PcapTimestampPrecision.Microsecond,
        int snapLength = DefaultSnapLength, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(snapLength);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _precision = precision;
        _snapLength = snapLength;

        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, precision == PcapTimestampPrecision.Nanosecond ? PcapFileReader.NanosecondMagic : PcapFileReader.MicrosecondMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(header.Slice(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.Slice(6), 4);
        BinaryPrimitives.WriteInt32LittleEndian(header.Slice(8), 0); // thiszone: timestamps are UTC
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(12), 0); // sigfigs: always 0
        BinaryPrimitives.WriteInt32LittleEndian(header.Slice(16), snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(20), (ushort)linkType);
        _stream.Write(header);
    }

    /// <summary>Creates (or overwrites) a pcap file at <paramref name="path"/>.</summary>
    public static PcapWriter Create(string path, LinkType linkType = LinkType.Ethernet,
        PcapTimestampPrecision precision = PcapTimestampPrecision.Microsecond, int snapLength = DefaultSnapLength) =>
        new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 64 * 1024), linkType, precision, snapLength);

    /// <summary>Records written so far.</summary>
    public long RecordsWritten { get; private set; }

    /// <summary>
    /// Appends one record. Data beyond the snap length is cut, keeping the true length as the original
    /// length, exactly as a capture would. Microsecond files truncate the timestamp, as libpcap does.
    /// </summary>
    /// <param name="timestampNanoseconds">Nanoseconds since the Unix epoch; must fit pcap's unsigned 32-bit seconds.</param>
    /// <param name="frame">The frame bytes.</param>
    /// <param name="originalLength">Wire length when <paramref name="frame"/> is already cut; defaults to its length.</param>
    public void WriteRecord(long timestampNanoseconds, ReadOnlySpan<byte> frame, int originalLength = -1)
    {
        long seconds = timestampNanoseconds / 1_000_000_000;
        if (timestampNanoseconds < 0 || seconds > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(timestampNanoseconds), timestampNanoseconds, "pcap stores unsigned 32-bit seconds since 1970.");
        }
        long nanoseconds = timestampNanoseconds % 1_000_000_000;
        uint fraction = (uint)(_precision == PcapTimestampPrecision.Nanosecond ? nanoseconds : nanoseconds / 1000);
        ReadOnlySpan<byte> captured = frame.Length > _snapLength ? frame[.._snapLength] : frame;
        int wireLength = Math.Max(originalLength, frame.Length);

        Span<byte> header = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)seconds);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(4), fraction);
        BinaryPrimitives.WriteInt32LittleEndian(header.Slice(8), captured.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header.Slice(12), wireLength);
        _stream.Write(header);
        _stream.Write(captured);
        RecordsWritten++;
    }

    public void Flush() => _stream.Flush();

    public void Dispose()
    {
        _stream.Flush();
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}
