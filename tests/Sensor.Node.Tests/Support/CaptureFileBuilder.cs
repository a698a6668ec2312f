using System.Buffers.Binary;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Tests.SensorNode.Support;

/// <summary>
/// Writes pcap and pcapng bytes by hand, in either byte order, including the variants no tool here
/// produces (big-endian files, power-of-two timestamp resolutions, obsolete and simple packet blocks)
/// and deliberately broken structures.
/// </summary>
public sealed class CaptureFileBuilder
{
    private readonly MemoryStream _bytes = new();
    private bool _bigEndian;

    /// <summary>A classic pcap file header.</summary>
    public static CaptureFileBuilder Pcap(bool bigEndian = false, bool nanoseconds = false, LinkType linkType = LinkType.Ethernet, uint snapLength = 65535)
    {
        var builder = new CaptureFileBuilder { _bigEndian = bigEndian };
        builder.U32(nanoseconds ? 0xA1B23C4D : 0xA1B2C3D4).U16(2).U16(4).U32(0).U32(0).U32(snapLength).U32((ushort)linkType);
        return builder;
    }

    /// <summary>A pcap record header and data.</summary>
    public CaptureFileBuilder PcapRecord(uint seconds, uint fraction, byte[] data, int originalLength = -1, int? capturedLengthField = null)
    {
        U32(seconds).U32(fraction).U32((uint)(capturedLengthField ?? data.Length)).U32((uint)Math.Max(originalLength, data.Length));
        return Raw(data);
    }

    /// <summary>Starts a pcapng file (or a further section of one) in the given byte order.</summary>
    public static CaptureFileBuilder PcapNg(bool bigEndian = false) => new CaptureFileBuilder().Section(bigEndian);

    public CaptureFileBuilder Section(bool bigEndian = false)
    {
        _bigEndian = bigEndian;
        var body = new CaptureFileBuilder { _bigEndian = bigEndian };
        body.U32(0x1A2B3C4D).U16(1).U16(0).U64(ulong.MaxValue);
        return Block(0x0A0D0D0A, body.ToArray());
    }

    /// <summary>An IDB; <paramref name="tsresol"/> is the raw if_tsresol byte (null: option absent, i.e. microseconds).</summary>
    public CaptureFileBuilder Interface(LinkType linkType = LinkType.Ethernet, uint snapLength = 0, byte? tsresol = null, long? tsoffsetSeconds = null)
    {
        var body = new CaptureFileBuilder { _bigEndian = _bigEndian };
        body.U16((ushort)linkType).U16(0).U32(snapLength);
        if (tsresol is byte resolution)
        {
            body.U16(9).U16(1).Raw([resolution, 0, 0, 0]);
        }
        if (tsoffsetSeconds is long offset)
        {
            body.U16(14).U16(8).U64((ulong)offset);
        }
        body.U16(0).U16(0);
        return Block(1, body.ToArray());
    }

    /// <summary>An EPB with a 64-bit timestamp in the interface's units.</summary>
    public CaptureFileBuilder Enhanced(uint interfaceId, ulong ticks, byte[] data, int originalLength = -1)
    {
        var body = new CaptureFileBuilder { _bigEndian = _bigEndian };
        body.U32(interfaceId).U32((uint)(ticks >> 32)).U32((uint)ticks).U32((uint)data.Length)
            .U32((uint)Math.Max(originalLength, data.Length)).Raw(data).Pad();
        return Block(6, body.ToArray());
    }

    /// <summary>An obsolete Packet Block (type 2): 16-bit interface id and drop count.</summary>
    public CaptureFileBuilder ObsoletePacket(ushort interfaceId, ulong ticks, byte[] data)
    {
        var body = new CaptureFileBuilder { _bigEndian = _bigEndian };
        body.U16(interfaceId).U16(0).U32((uint)(ticks >> 32)).U32((uint)ticks).U32((uint)data.Length).U32((uint)data.Length).Raw(data).Pad();
        return Block(2, body.ToArray());
    }

    /// <summary>An SPB: original length and data, on interface 0.</summary>
    public CaptureFileBuilder Simple(byte[] data, int originalLength = -1)
    {
        var body = new CaptureFileBuilder { _bigEndian = _bigEndian };
        body.U32((uint)Math.Max(originalLength, data.Length)).Raw(data).Pad();
        return Block(3, body.ToArray());
    }

    /// <summary>Any block: type, total length, body, total length (the body must be 4-byte aligned).</summary>
    public CaptureFileBuilder Block(uint type, byte[] body, uint? lengthField = null, uint? trailerField = null)
    {
        uint length = (uint)(12 + body.Length);
        return U32(type).U32(lengthField ?? length).Raw(body).U32(trailerField ?? lengthField ?? length);
    }

    public CaptureFileBuilder Raw(ReadOnlySpan<byte> bytes)
    {
        _bytes.Write(bytes);
        return this;
    }

    public CaptureFileBuilder U16(ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        if (_bigEndian) BinaryPrimitives.WriteUInt16BigEndian(bytes, value); else BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return Raw(bytes);
    }

    public CaptureFileBuilder U32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        if (_bigEndian) BinaryPrimitives.WriteUInt32BigEndian(bytes, value); else BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return Raw(bytes);
    }

    public CaptureFileBuilder U64(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        if (_bigEndian) BinaryPrimitives.WriteUInt64BigEndian(bytes, value); else BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return Raw(bytes);
    }

    public byte[] ToArray() => _bytes.ToArray();

    public MemoryStream ToStream() => new(ToArray());

    private CaptureFileBuilder Pad()
    {
        while (_bytes.Length % 4 != 0)
        {
            _bytes.WriteByte(0);
        }
        return this;
    }
}
