using System.Buffers.Binary;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Capture.Files;

/// <summary>
/// pcapng files (draft-ietf-opsawg-pcapng): a sequence of sections, each a Section Header Block (whose
/// byte-order magic sets the order of the whole section) followed by Interface Description Blocks and
/// packet blocks (Enhanced, Simple, obsolete Packet). Every other block type is skipped.
/// </summary>
internal sealed partial class PcapNgFileReader : CaptureFileReader
{
    private const uint SectionHeaderType = 0x0A0D0D0A;
    private const uint InterfaceDescriptionType = 1;
    private const uint ObsoletePacketType = 2;
    private const uint SimplePacketType = 3;
    private const uint EnhancedPacketType = 6;
    private const uint ByteOrderMagic = 0x1A2B3C4D;

    /// <summary>
    /// Largest block accepted: room for any packet plus options, while a garbage length fails as
    /// corrupt instead of asking for gigabytes.
    /// </summary>
    public const int MaximumBlockLength = 32 * 1024 * 1024;

    /// <summary>Type, length, and trailing length.</summary>
    private const int BlockOverhead = 12;
    private const int SectionHeaderMinimumLength = 28;

    private readonly List<PcapNgInterface> _interfaces = [];
    private FileByteOrder _byteOrder;

    /// <summary>Interfaces declared by earlier sections; added to local ids so indices are file-wide.</summary>
    private int _interfaceBase;

    /// <summary>Simple Packet Blocks carry no timestamp; they reuse the previous one so replay pacing stays monotone.</summary>
    private long _lastTimestamp;

    /// <param name="input">Positioned just after the Section Header Block's type field.</param>
    internal PcapNgFileReader(CaptureInput input) : base(input)
    {
        Span<byte> length = stackalloc byte[4];
        if (input.Fill(length) < length.Length)
        {
            throw input.Truncated(0, "the file ends inside the first section header block");
        }
        ReadSectionHeader(0, length);
    }

    public override CaptureFileFormat Format => CaptureFileFormat.PcapNg;

    /// <summary>Sections read so far.</summary>
    public int SectionCount { get; private set; }

    private protected override bool ReadNextRecord()
    {
        Span<byte> head = stackalloc byte[8];
        while (true)
        {
            long blockOffset = Input.Position;
            int read = Input.Fill(head);
            if (read == 0)
            {
                return false;
            }
            if (read < head.Length)
            {
                throw Input.Truncated(blockOffset, $"the file ends inside a block header ({read} of 8 bytes)");
            }

            uint type = _byteOrder.ReadUInt32(head);
            if (type == SectionHeaderType)
            {
                ReadSectionHeader(blockOffset, head.Slice(4));
                continue;
            }

            uint length = _byteOrder.ReadUInt32(head.Slice(4));
            ReadOnlySpan<byte> body = ReadBlockBody(blockOffset, length, alreadyRead: 8);
            switch (type)
            {
                case InterfaceDescriptionType:
                    _interfaces.Add(ReadInterface(blockOffset, body));
                    break;
                case EnhancedPacketType:
                    ReadEnhancedPacket(blockOffset, body, obsoleteLayout: false);
                    return true;
                case ObsoletePacketType:
                    ReadEnhancedPacket(blockOffset, body, obsoleteLayout: true);
                    return true;
                case SimplePacketType:
                    ReadSimplePacket(blockOffset, body);
                    return true;
            }
        }
    }

    /// <summary>Reads an SHB whose type was consumed; <paramref name="rawLength"/> holds its length field, byte order still unknown.</summary>
    private void ReadSectionHeader(long blockOffset, ReadOnlySpan<byte> rawLength)
    {
        Span<byte> magic = stackalloc byte[4];
        if (Input.Fill(magic) < magic.Length)
        {
            throw Input.Truncated(blockOffset, "the file ends inside a section header block");
        }
        uint byteOrderMagic = BinaryPrimitives.ReadUInt32LittleEndian(magic);
        if (byteOrderMagic != ByteOrderMagic && BinaryPrimitives.ReverseEndianness(byteOrderMagic) != ByteOrderMagic)
        {
            throw Input.Corrupt(blockOffset, $"section header byte-order magic 0x{byteOrderMagic:X8} is not 1a2b3c4d in either order");
        }
        _byteOrder = new FileByteOrder(byteOrderMagic != ByteOrderMagic);

        uint length = _byteOrder.ReadUInt32(rawLength);
        if (length < SectionHeaderMinimumLength)
        {
            throw Input.Corrupt(blockOffset, $"section header block length {length} is below the minimum {SectionHeaderMinimumLength}");
        }
        ReadOnlySpan<byte> body = ReadBlockBody(blockOffset, length, alreadyRead: 12);
        ushort major = _byteOrder.ReadUInt16(body);
        if (major != 1)
        {
            throw Input.Corrupt(blockOffset, $"pcapng major version {major} is not 1");
        }

        _interfaceBase += _interfaces.Count;
        _interfaces.Clear();
        SectionCount++;
    }

    /// <summary>
    /// Validates a block's length, reads the rest of the block into the reusable buffer and checks the
    /// trailing length copy. Returns the body after the fields already read, without the trailer; it
    /// starts at offset 0 of the input buffer, which is what record data offsets are relative to.
    /// </summary>
    private ReadOnlySpan<byte> ReadBlockBody(long blockOffset, uint length, int alreadyRead)
    {
        if (length < BlockOverhead || length % 4 != 0)
        {
            throw Input.Corrupt(blockOffset, $"block length {length} is not a multiple of 4 of at least {BlockOverhead}");
        }
        if (length > MaximumBlockLength)
        {
            throw Input.Corrupt(blockOffset, $"block length {length} exceeds the {MaximumBlockLength} bytes any block needs");
        }
        int rest = (int)length - alreadyRead;
        if (Input.BytesRemaining is long remaining && rest > remaining)
        {
            throw Input.Truncated(blockOffset, $"block length {length} runs past the end of the file ({remaining + alreadyRead} bytes left)");
        }

        Span<byte> block = Input.Rent(rest);
        int read = Input.Fill(block);
        if (read < rest)
        {
            throw Input.Truncated(blockOffset, $"the file ends inside a block of {length} bytes");
        }
        uint trailer = _byteOrder.ReadUInt32(block.Slice(rest - 4));
        if (trailer != length)
        {
            throw Input.Corrupt(blockOffset, $"block's trailing length {trailer} differs from its leading length {length}");
        }
        return block[..(rest - 4)];
    }
}
