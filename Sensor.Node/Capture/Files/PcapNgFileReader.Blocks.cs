using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Capture.Files;

internal sealed partial class PcapNgFileReader
{
    private const ushort EndOfOptions = 0;
    private const ushort TimestampResolutionOption = 9;
    private const ushort TimestampOffsetOption = 14;
    private const int InterfaceFixedLength = 8;
    private const int EnhancedPacketFixedLength = 20;
    private const int SimplePacketFixedLength = 4;

    /// <summary>IDB: link type, reserved, snap length, then options (if_tsresol, if_tsoffset matter here).</summary>
    private PcapNgInterface ReadInterface(long blockOffset, ReadOnlySpan<byte> body)
    {
        if (body.Length < InterfaceFixedLength)
        {
            throw Input.Corrupt(blockOffset, $"interface description block body of {body.Length} bytes is below {InterfaceFixedLength}");
        }
        var linkType = (LinkType)_byteOrder.ReadUInt16(body);
        uint snapLength = _byteOrder.ReadUInt32(body.Slice(4));
        TimestampResolution resolution = TimestampResolution.Microseconds;
        long offsetNanoseconds = 0;

        ReadOnlySpan<byte> options = body.Slice(InterfaceFixedLength);
        while (options.Length >= 4)
        {
            ushort code = _byteOrder.ReadUInt16(options);
            int length = _byteOrder.ReadUInt16(options.Slice(2));
            if (code == EndOfOptions)
            {
                break;
            }
            int padded = (length + 3) & ~3;
            if (4 + padded > options.Length)
            {
                throw Input.Corrupt(blockOffset, $"interface option {code} of {length} bytes runs past its block");
            }
            ReadOnlySpan<byte> value = options.Slice(4, length);
            if (code == TimestampResolutionOption && length >= 1)
            {
                resolution = TimestampResolution.FromTsresol(value[0]);
            }
            else if (code == TimestampOffsetOption && length >= 8)
            {
                offsetNanoseconds = _byteOrder.ReadInt64(value) * 1_000_000_000L;
            }
            options = options.Slice(4 + padded);
        }
        return new PcapNgInterface(linkType, snapLength, resolution, offsetNanoseconds);
    }

    /// <summary>
    /// EPB: interface id (32 bits), timestamp high/low, captured and original length, data.
    /// The obsolete Packet Block is the same with a 16-bit interface id and a 16-bit drop count.
    /// </summary>
    private void ReadEnhancedPacket(long blockOffset, ReadOnlySpan<byte> body, int bodyOffset, bool obsoleteLayout)
    {
        if (body.Length < EnhancedPacketFixedLength)
        {
            throw Input.Corrupt(blockOffset, $"packet block body of {body.Length} bytes is below {EnhancedPacketFixedLength}");
        }
        uint interfaceId = obsoleteLayout ? _byteOrder.ReadUInt16(body) : _byteOrder.ReadUInt32(body);
        ulong ticks = ((ulong)_byteOrder.ReadUInt32(body.Slice(4)) << 32) | _byteOrder.ReadUInt32(body.Slice(8));
        uint capturedLength = _byteOrder.ReadUInt32(body.Slice(12));
        uint originalLength = _byteOrder.ReadUInt32(body.Slice(16));
        if (capturedLength > body.Length - EnhancedPacketFixedLength)
        {
            throw Input.Corrupt(blockOffset, $"packet's captured length {capturedLength} overruns its block ({body.Length - EnhancedPacketFixedLength} bytes of data)");
        }
        if (originalLength < capturedLength || originalLength > int.MaxValue)
        {
            throw Input.Corrupt(blockOffset, $"packet's original length {originalLength} is smaller than its captured length {capturedLength} or absurd");
        }
        PcapNgInterface iface = GetInterface(blockOffset, interfaceId);

        _lastTimestamp = iface.ToNanoseconds(ticks);
        SetCurrent(blockOffset, _lastTimestamp, _interfaceBase + (int)interfaceId, iface.LinkType,
            dataOffset: bodyOffset + EnhancedPacketFixedLength, (int)capturedLength, (int)originalLength);
    }

    /// <summary>SPB: original length then data, on interface 0; captured length is implied by the block and snap length.</summary>
    private void ReadSimplePacket(long blockOffset, ReadOnlySpan<byte> body, int bodyOffset)
    {
        if (body.Length < SimplePacketFixedLength)
        {
            throw Input.Corrupt(blockOffset, $"simple packet block body of {body.Length} bytes is below {SimplePacketFixedLength}");
        }
        uint originalLength = _byteOrder.ReadUInt32(body);
        if (originalLength > int.MaxValue)
        {
            throw Input.Corrupt(blockOffset, $"simple packet's original length {originalLength} is absurd");
        }
        PcapNgInterface iface = GetInterface(blockOffset, 0);
        long capturedLength = Math.Min(originalLength, body.Length - SimplePacketFixedLength);
        if (iface.SnapLength != 0)
        {
            capturedLength = Math.Min(capturedLength, iface.SnapLength);
        }
        SetCurrent(blockOffset, _lastTimestamp, _interfaceBase, iface.LinkType,
            dataOffset: bodyOffset + SimplePacketFixedLength, (int)capturedLength, (int)originalLength);
    }

    private PcapNgInterface GetInterface(long blockOffset, uint interfaceId)
    {
        if (interfaceId >= (uint)_interfaces.Count)
        {
            throw Input.Corrupt(blockOffset, $"packet refers to interface {interfaceId} but its section declared {_interfaces.Count}");
        }
        return _interfaces[(int)interfaceId];
    }
}
