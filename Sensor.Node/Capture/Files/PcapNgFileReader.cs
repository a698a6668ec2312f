using System.Buffers.Binary;
using System.Runtime.CompilerServices;
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

    /// <param name="input">Positioned at the first Section Header Block (its type was peeked, not consumed).</param>
    internal PcapNgFileReader(CaptureInput input) : base(input)
    {
        ReadSectionHeader(0);
    }

    public override CaptureFileFormat Format => CaptureFileFormat.PcapNg;

    /// <summary>Sections read so far.</summary>
    public int SectionCount { get; private set; }
    [MethodImpl(HotPath.Optimize)]
    private protected override bool ReadNextRecord()
    {
        while (true)
        {
            long blockOffset = Input.Position;
            int available = Input.Ensure(8);
            if (available < 8)
            {
                if (available == 0)
                {
                    return false;
                }
                throw Input.Truncated(blockOffset, $"the file ends inside a block header ({available} of 8 bytes)");
            }

            ReadOnlySpan<byte> head = Input.Peek(8);
            uint type = _byteOrder.ReadUInt32(head);
            if (type == SectionHeaderType)
            {
                ReadSectionHeader(blockOffset);
                continue;
            }

            uint length = _byteOrder.ReadUInt32(head.Slice(4));
            ReadOnlySpan<byte> body = TakeBlock(blockOffset, length, out int bodyOffset);
            switch (type)
            {
                case InterfaceDescriptionType:
                    _interfaces.Add(ReadInterface(blockOffset, body));
                    break;
                case EnhancedPacketType:
                    ReadEnhancedPacket(blockOffset, body, bodyOffset, obsoleteLayout: false);
                    return true;
                case ObsoletePacketType:
                    ReadEnhancedPacket(blockOffset, body, bodyOffset, obsoleteLayout: true);
                    return true;
                case SimplePacketType:
                    ReadSimplePacket(blockOffset, body, bodyOffset);
                    return true;
            }
        }
    }

    /// <summary>Reads an SHB at the read position: its byte-order magic sets the order of the whole section.</summary>
    private void ReadSectionHeader(long blockOffset)
    {
        if (Input.Ensure(12) < 12)
        {
            throw Input.Truncated(blockOffset, "the file ends inside a section header block");
        }
        ReadOnlySpan<byte> head = Input.Peek(12);
        uint byteOrderMagic = BinaryPrimitives.ReadUInt32LittleEndian(head.Slice(8));
        if (byteOrderMagic != ByteOrderMagic && BinaryPrimitives.ReverseEndianness(byteOrderMagic) != ByteOrderMagic)
        {
            throw Input.Corrupt(blockOffset, $"section header byte-order magic 0x{byteOrderMagic:X8} is not 1a2b3c4d in either order");
        }
        _byteOrder = new FileByteOrder(byteOrderMagic != ByteOrderMagic);

        uint length = _byteOrder.ReadUInt32(head.Slice(4));
        if (length < SectionHeaderMinimumLength)
        {
            throw Input.Corrupt(blockOffset, $"section header block length {length} is below the minimum {SectionHeaderMinimumLength}");
        }
        ReadOnlySpan<byte> body = TakeBlock(blockOffset, length, out _);
        ushort major = _byteOrder.ReadUInt16(body.Slice(4));
        if (major != 1)
        {
            throw Input.Corrupt(blockOffset, $"pcapng major version {major} is not 1");
        }

        _interfaceBase += _interfaces.Count;
        _interfaces.Clear();
        SectionCount++;
    }

    /// <summary>
    /// Validates a block's length, makes the whole block available, checks the trailing length copy and
    /// consumes the block. Returns the body after type and length, without the trailer;
    /// <paramref name="bodyOffset"/> is where it starts in the input buffer (record data offsets are relative to that buffer).
    /// </summary>
    private ReadOnlySpan<byte> TakeBlock(long blockOffset, uint length, out int bodyOffset)
    {
        if (length < BlockOverhead || length % 4 != 0)
        {
            throw Input.Corrupt(blockOffset, $"block length {length} is not a multiple of 4 of at least {BlockOverhead}");
        }
        if (length > MaximumBlockLength)
        {
            throw Input.Corrupt(blockOffset, $"block length {length} exceeds the {MaximumBlockLength} bytes any block needs");
        }
        int blockLength = (int)length;
        int available = Input.Ensure(blockLength);
        if (available < blockLength)
        {
            throw Input.Truncated(blockOffset, $"block length {length} runs past the end of the file ({available} bytes left)");
        }

        int at = Input.Take(blockLength);
        ReadOnlySpan<byte> block = Input.Slice(at, blockLength);
        uint trailer = _byteOrder.ReadUInt32(block.Slice(blockLength - 4));
        if (trailer != length)
        {
            throw Input.Corrupt(blockOffset, $"block's trailing length {trailer} differs from its leading length {length}");
        }
        bodyOffset = at + 8;
        return block[8..^4];
    }
}
