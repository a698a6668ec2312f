using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Capture.Files;

/// <summary>The container format of a capture file.</summary>
public enum CaptureFileFormat
{
    /// <summary>Classic libpcap format (microsecond or nanosecond, either byte order).</summary>
    Pcap,
    /// <summary>pcapng (draft-ietf-opsawg-pcapng): sections, interfaces, enhanced/simple packet blocks.</summary>
    PcapNg,
}

/// <summary>
/// Streams packet records out of a pcap or pcapng file. Enumerator-shaped (<see cref="MoveNext"/> /
/// <see cref="Current"/>) rather than IEnumerable because each record is a span over one reusable
/// buffer; an async replay loop can await between <see cref="MoveNext"/> and using <see cref="Current"/>.
/// </summary>
/// <example><code>
/// using var reader = CaptureFileReader.Open("trace.pcapng");
/// while (reader.MoveNext())
/// {
///     var record = reader.Current;
///     PacketParser.Parse(record.Data, out var packet, record.OriginalLength, linkType: record.LinkType);
/// }
/// </code></example>
/// <remarks>
/// Structural errors throw <see cref="CaptureFileFormatException"/> (a truncated final record throws
/// <see cref="CaptureFileTruncatedException"/>) after every complete record before them was delivered.
/// Not thread-safe: one reader belongs to one replay loop.
/// </remarks>
public abstract class CaptureFileReader : IDisposable
{
    private const uint PcapNgSectionHeaderType = 0x0A0D0D0A;

    private long _recordOffset;
    private long _timestampNanoseconds;
    private int _interfaceIndex;
    private LinkType _linkType;
    private int _dataOffset;
    private int _dataLength;
    private int _originalLength;
    private bool _hasCurrent;

    private protected CaptureFileReader(CaptureInput input) => Input = input;

    private protected CaptureInput Input { get; }

    /// <summary>Which container format the file turned out to be.</summary>
    public abstract CaptureFileFormat Format { get; }

    /// <summary>Records delivered so far.</summary>
    public long RecordsRead { get; private set; }

    /// <summary>File offset just past the record last read: progress through the file by bytes.</summary>
    public long FilePosition => Input.Position;

    /// <summary>The record <see cref="MoveNext"/> last read; valid until the next call to it.</summary>
    public CaptureRecord Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _hasCurrent
            ? new CaptureRecord(_recordOffset, _timestampNanoseconds, _interfaceIndex, _linkType,
                Input.Slice(_dataOffset, _dataLength), _originalLength)
            : throw new InvalidOperationException("MoveNext has not returned true yet.");
    }

    /// <summary>Opens a capture file and recognises its format from its first four bytes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="access">
    /// <see cref="CaptureFileAccess.Mapped"/> (the default) maps a regular file instead of reading it;
    /// anything that is not a regular file (a FIFO, a character device) is read as a stream either way.
    /// </param>
    public static CaptureFileReader Open(string path, CaptureFileAccess access = CaptureFileAccess.Mapped)
    {
        // Unbuffered (bufferSize 0): CaptureInput reads in large blocks itself, a second buffer would only copy.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);
        // Only a seekable file has a length to map; a FIFO or a terminal is read as a stream.
        return access == CaptureFileAccess.Mapped && stream.CanSeek
            ? Open(new CaptureInput(stream, path))
            : Open(new CaptureInput(stream, path, leaveOpen: false));
    }

    /// <summary>Reads a capture from any stream (a pipe, a test's MemoryStream); <paramref name="sourceName"/> names it in errors.</summary>
    public static CaptureFileReader Open(Stream stream, string sourceName = "capture stream", bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Open(new CaptureInput(stream, sourceName, leaveOpen));
    }

    /// <summary>Recognises the format from the input's first four bytes; disposes the input when that fails.</summary>
    internal static CaptureFileReader Open(CaptureInput input)
    {
        try
        {
            int read = input.Ensure(4);
            if (read < 4)
            {
                throw input.Corrupt(0, read == 0 ? "the file is empty" : $"the file holds only {read} bytes, too few for any capture file header");
            }

            // Peeked, not consumed: each format reads its header from offset 0.
            uint magic = BinaryPrimitives.ReadUInt32LittleEndian(input.Peek(4));
            if (magic == PcapNgSectionHeaderType)
            {
                return new PcapNgFileReader(input);
            }
            if (PcapFileReader.IsMagic(magic))
            {
                return new PcapFileReader(input, magic);
            }
            throw input.Corrupt(0, $"magic 0x{magic:X8} is neither pcap (a1b2c3d4/a1b23c4d, either byte order) nor pcapng (0a0d0d0a)");
        }
        catch
        {
            input.Dispose();
            throw;
        }
    }

    /// <summary>Reads the next packet record, skipping non-packet blocks; false at a clean end of file.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MoveNext()
    {
        _hasCurrent = ReadNextRecord();
        if (_hasCurrent)
        {
            RecordsRead++;
        }
        return _hasCurrent;
    }

    /// <summary>Decodes the next record in place in the input window and calls <see cref="SetCurrent"/>; false at end of file.</summary>
    private protected abstract bool ReadNextRecord();

    private protected void SetCurrent(long recordOffset, long timestampNanoseconds, int interfaceIndex, LinkType linkType, int dataOffset, int dataLength, int originalLength)
    {
        _recordOffset = recordOffset;
        _timestampNanoseconds = timestampNanoseconds;
        _interfaceIndex = interfaceIndex;
        _linkType = linkType;
        _dataOffset = dataOffset;
        _dataLength = dataLength;
        _originalLength = originalLength;
    }

    public void Dispose()
    {
        Input.Dispose();
        GC.SuppressFinalize(this);
    }
}
