using System.Buffers.Binary;
using System.Net;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Tests.SensorNode.Support;

/// <summary>
/// Hand-built frames, layer by layer, innermost first: <c>Ethernet(Ipv4(..., Tcp(...)))</c>.
/// Lengths and the IPv4 header checksum are filled in, so the frames are what a real stack sends and
/// tshark/tcpreplay accept them.
/// </summary>
public static class Frames
{
    public static readonly byte[] SourceMac = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
    public static readonly byte[] DestinationMac = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02];

    /// <summary>An Ethernet II frame; each tag is (TPID, TCI), outermost first.</summary>
    public static byte[] Ethernet(ushort etherType, byte[] payload, params (ushort Tpid, ushort Tci)[] tags)
    {
        var frame = new byte[14 + 4 * tags.Length + payload.Length];
        DestinationMac.CopyTo(frame, 0);
        SourceMac.CopyTo(frame, 6);
        int offset = 12;
        foreach (var (tpid, tci) in tags)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(offset), tpid);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(offset + 2), tci);
            offset += 4;
        }
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(offset), etherType);
        payload.CopyTo(frame, offset + 2);
        return frame;
    }

    /// <summary>An IPv4 packet; <paramref name="optionBytes"/> (a multiple of 4) of NOP options raise the IHL.</summary>
    public static byte[] Ipv4(string source, string destination, byte protocol, byte[] payload, int optionBytes = 0,
        ushort id = 0x1234, bool moreFragments = false, int fragmentOffset = 0, byte ttl = 64)
    {
        int headerLength = 20 + optionBytes;
        var packet = new byte[headerLength + payload.Length];
        packet[0] = (byte)(0x40 | (headerLength / 4));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), id);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), (ushort)((moreFragments ? 0x2000 : 0) | (fragmentOffset / 8)));
        packet[8] = ttl;
        packet[9] = protocol;
        IPAddress.Parse(source).GetAddressBytes().CopyTo(packet, 12);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(packet, 16);
        packet.AsSpan(20, optionBytes).Fill(1); // NOP options
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), Checksum(packet.AsSpan(0, headerLength)));
        payload.CopyTo(packet, headerLength);
        return packet;
    }

    /// <summary>An IPv6 packet; <paramref name="payload"/> may start with extension headers built below.</summary>
    public static byte[] Ipv6(string source, string destination, byte nextHeader, byte[] payload, byte hopLimit = 64)
    {
        var packet = new byte[40 + payload.Length];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)payload.Length);
        packet[6] = nextHeader;
        packet[7] = hopLimit;
        IPAddress.Parse(source).GetAddressBytes().CopyTo(packet, 8);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(packet, 24);
        payload.CopyTo(packet, 40);
        return packet;
    }

    /// <summary>A hop-by-hop, destination-options or routing header of 8 × (1 + <paramref name="extraUnits"/>) bytes.</summary>
    public static byte[] Ipv6Extension(byte nextHeader, byte[] rest, int extraUnits = 0)
    {
        var header = new byte[8 * (1 + extraUnits)];
        header[0] = nextHeader;
        header[1] = (byte)extraUnits;
        header[2] = 1; // PadN option covering the rest
        header[3] = (byte)(header.Length - 4);
        return [.. header, .. rest];
    }

    /// <summary>An IPv6 fragment header (RFC 8200 §4.5) followed by <paramref name="rest"/>.</summary>
    public static byte[] Ipv6Fragment(byte nextHeader, byte[] rest, int fragmentOffset, bool moreFragments, uint id)
    {
        var header = new byte[8];
        header[0] = nextHeader;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(fragmentOffset | (moreFragments ? 1 : 0)));
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), id);
        return [.. header, .. rest];
    }

    /// <summary>A TCP segment; <paramref name="optionBytes"/> (a multiple of 4) of NOPs raise the data offset.</summary>
    public static byte[] Tcp(ushort sourcePort, ushort destinationPort, TcpFlags flags, int optionBytes = 0, int payloadBytes = 0)
    {
        int headerLength = 20 + optionBytes;
        var segment = new byte[headerLength + payloadBytes];
        BinaryPrimitives.WriteUInt16BigEndian(segment, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), destinationPort);
        segment[12] = (byte)((headerLength / 4) << 4 | ((int)flags >> 8));
        segment[13] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(14), 65535);
        segment.AsSpan(20, optionBytes).Fill(1);
        return segment;
    }

    public static byte[] Udp(ushort sourcePort, ushort destinationPort, int payloadBytes = 0)
    {
        var datagram = new byte[8 + payloadBytes];
        BinaryPrimitives.WriteUInt16BigEndian(datagram, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), (ushort)datagram.Length);
        return datagram;
    }

    /// <summary>An ICMP or ICMPv6 message (same 8-byte header shape).</summary>
    public static byte[] Icmp(byte type, byte code, int payloadBytes = 0)
    {
        var message = new byte[8 + payloadBytes];
        message[0] = type;
        message[1] = code;
        return message;
    }

    /// <summary>An ARP request for 10.0.0.2 from 10.0.0.1.</summary>
    public static byte[] Arp() =>
    [
        0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01, .. SourceMac, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2,
    ];

    /// <summary>The Internet checksum (RFC 1071).</summary>
    public static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (int i = 0; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data.Slice(i));
        }
        if (data.Length % 2 == 1)
        {
            sum += (uint)data[^1] << 8;
        }
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)~sum;
    }
}
