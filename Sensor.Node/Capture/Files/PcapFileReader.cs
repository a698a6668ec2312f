using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Capture.Files;

/// <summary>
/// Classic libpcap files (pcap-savefile(5)): a 24-byte file header, then records of a 16-byte header
/// and caplen bytes. The magic tells byte order and whether the fraction is micro- or nanoseconds.
/// The header's thiszone and sigfigs are ignored, as libpcap ignores them: writers always store UTC.
/// </summary>
internal sealed class PcapFileReader : CaptureFileReader
{
    /// <summary>Magic of microsecond files, read in the writer's byte order.</summary>
    public const uint MicrosecondMagic = 0xA1B2C3D4;
    /// <summary>Magic of nanosecond files, read in the writer's byte order.</summary>
    public const uint NanosecondMagic = 0xA1B23C4D;

    /// <summary>
    /// Largest record accepted. Far above any real snap length (libpcap's maximum is 256 KiB) yet small
    /// enough that a garbage length fails as corrupt instead of asking for gigabytes.
    /// </summary>
    public const int MaximumRecordLength = 16 * 1024 * 1024;

    private const int FileHeaderLength = 24;
    private const int RecordHeaderLength = 16;

    private readonly FileByteOrder _byteOrder;
    private readonly long _nanosecondsPerFractionUnit;
    private readonly LinkType _linkType;

    /// <param name="magic">The first four bytes (peeked, not consumed), read little-endian.</param>
    internal PcapFileReader(CaptureInput input, uint magic) : base(input)
    {
        _byteOrder = new FileByteOrder(magic is not (MicrosecondMagic or NanosecondMagic));
        bool nanoseconds = magic is NanosecondMagic || BinaryPrimitives.ReverseEndianness(magic) is NanosecondMagic;
        _nanosecondsPerFractionUnit = nanoseconds ? 1 : 1000;

        int read = input.Ensure(FileHeaderLength);
        if (read < FileHeaderLength)
        {
            throw input.Truncated(0, $"the file ends inside the {FileHeaderLength}-byte pcap file header ({read} bytes)");
        }
        ReadOnlySpan<byte> header = input.Peek(FileHeaderLength);
        ushort major = _byteOrder.ReadUInt16(header.Slice(4));
        ushort minor = _byteOrder.ReadUInt16(header.Slice(6));
        if (major != 2)
        {
            throw input.Corrupt(4, $"pcap version {major}.{minor} is not 2.x");
        }
        // The network field's upper bits carry FCS-length flags (pcap-linktype(7)); the type is the low 16.
        _linkType = (LinkType)(ushort)_byteOrder.ReadUInt32(header.Slice(20));
        SnapLength = _byteOrder.ReadUInt32(header.Slice(16));
        IsNanosecond = nanoseconds;
        input.Take(FileHeaderLength);
    }

    public override CaptureFileFormat Format => CaptureFileFormat.Pcap;

    /// <summary>The snap length the file header declares.</summary>
    public uint SnapLength { get; }

    /// <summary>True for the a1b23c4d (nanosecond) variant.</summary>
    public bool IsNanosecond { get; }

    internal static bool IsMagic(uint magicLittleEndian) =>
        magicLittleEndian is MicrosecondMagic or NanosecondMagic
        || BinaryPrimitives.ReverseEndianness(magicLittleEndian) is MicrosecondMagic or NanosecondMagic;

    /// <remarks>
    /// The hot path of offline replay: one bounds check on the window, four header fields, and the data
    /// stays where the read put it (no copy). Validation order matters for the errors only.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the replay's loop, which calls it on this sealed type
    private protected override bool ReadNextRecord()
    {
        CaptureInput input = Input;
        int available = input.Ensure(RecordHeaderLength);
        if (available < RecordHeaderLength)
        {
            if (available == 0)
            {
                return false;
            }
            throw input.Truncated(input.Position, $"the file ends inside a record header ({available} of {RecordHeaderLength} bytes)");
        }

        ReadOnlySpan<byte> header = input.Peek(RecordHeaderLength);
        uint seconds = _byteOrder.ReadUInt32(header);
        uint fraction = _byteOrder.ReadUInt32(header.Slice(4));
        uint capturedLength = _byteOrder.ReadUInt32(header.Slice(8));
        uint originalLength = _byteOrder.ReadUInt32(header.Slice(12));
        if (capturedLength > MaximumRecordLength)
        {
            throw input.Corrupt(input.Position, $"record claims {capturedLength} captured bytes, beyond the {MaximumRecordLength} any capture holds");
        }
        if (originalLength < capturedLength || originalLength > int.MaxValue)
        {
            throw input.Corrupt(input.Position, $"record's original length {originalLength} is smaller than its captured length {capturedLength} or absurd");
        }

        int recordLength = RecordHeaderLength + (int)capturedLength;
        available = input.Ensure(recordLength);
        if (available < recordLength)
        {
            throw input.Truncated(input.Position,
                $"the final record declares {capturedLength} captured bytes but the file ends {available - RecordHeaderLength} bytes later");
        }

        long recordOffset = input.Position;
        int at = input.Take(recordLength);
        long timestamp = seconds * 1_000_000_000L + fraction * _nanosecondsPerFractionUnit;
        SetCurrent(recordOffset, timestamp, interfaceIndex: 0, _linkType, dataOffset: at + RecordHeaderLength, (int)capturedLength, (int)originalLength);
        return true;
    }
}
