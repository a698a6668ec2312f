using System.Buffers.Binary;
using System.Net;

namespace NerfEngine.Control.Scenarios;

/// <summary>
/// Builds Ethernet/IPv4 (or IPv6)/TCP|UDP|ICMP frames with valid checksums, so generated scenarios
/// are ordinary captures that tcpdump, tshark and our own parser read alike.
/// </summary>
public static class FrameWriter
{
    public const byte Fin = 0x01, Syn = 0x02, Rst = 0x04, Psh = 0x08, Ack = 0x10;

    /// <summary>Writes one frame into <paramref name="frame"/> and returns its length.</summary>
    public static int Write(Span<byte> frame, in PacketSpec p)
    {
        var v6 = p.Source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        var l4Header = p.Protocol switch { 6 => 20, 17 => 8, _ => 8 };
        var ipHeader = v6 ? 40 : 20;
        var total = 14 + ipHeader + l4Header + p.PayloadLength;
        if (frame.Length < total) throw new ArgumentException($"frame buffer of {frame.Length} bytes cannot hold {total}", nameof(frame));
        frame[..total].Clear();

        // Ethernet: locally administered MACs derived from the addresses, stable per host.
        WriteMac(frame[..6], p.Destination);
        WriteMac(frame.Slice(6, 6), p.Source);
        BinaryPrimitives.WriteUInt16BigEndian(frame.Slice(12), v6 ? (ushort)0x86DD : (ushort)0x0800);

        var ip = frame.Slice(14, ipHeader + l4Header + p.PayloadLength);
        var l4 = ip[ipHeader..];
        var protocol = v6 && p.Protocol == 1 ? (byte)58 : p.Protocol;
        if (v6)
        {
            ip[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(4), (ushort)(l4Header + p.PayloadLength));
            ip[6] = protocol;
            ip[7] = 64;
            p.Source.TryWriteBytes(ip.Slice(8, 16), out _);
            p.Destination.TryWriteBytes(ip.Slice(24, 16), out _);
        }
        else
        {
            ip[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(2), (ushort)ip.Length);
            BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(4), p.IpId);
            ip[6] = 0x40; // DF
            ip[8] = p.Ttl;
            ip[9] = protocol;
            p.Source.TryWriteBytes(ip.Slice(12, 4), out _);
            p.Destination.TryWriteBytes(ip.Slice(16, 4), out _);
            BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(10), Checksum(ip[..20], 0));
        }

        switch (p.Protocol)
        {
            case 6:
                BinaryPrimitives.WriteUInt16BigEndian(l4, p.SourcePort);
                BinaryPrimitives.WriteUInt16BigEndian(l4.Slice(2), p.DestinationPort);
                BinaryPrimitives.WriteUInt32BigEndian(l4.Slice(4), p.Sequence);
                BinaryPrimitives.WriteUInt32BigEndian(l4.Slice(8), p.Acknowledgement);
                l4[12] = 5 << 4;
                l4[13] = p.TcpFlags;
                BinaryPrimitives.WriteUInt16BigEndian(l4.Slice(14), 64240);
                break;
            case 17:
                BinaryPrimitives.WriteUInt16BigEndian(l4, p.SourcePort);
                BinaryPrimitives.WriteUInt16BigEndian(l4.Slice(2), p.DestinationPort);
                BinaryPrimitives.WriteUInt16BigEndian(l4.Slice(4), (ushort)l4.Length);
                break;
            default: // ICMP / ICMPv6 echo request (type 8 / 128)
                l4[0] = v6 ? (byte)128 : (byte)8;
                BinaryPrimitives.WriteUInt16BigEndian(l4.Slice(4), p.SourcePort);
                BinaryPrimitives.WriteUInt16BigEndian(l4.Slice(6), p.IpId);
                break;
        }
        for (var i = 0; i < p.PayloadLength; i++) l4[l4Header + i] = (byte)('a' + i % 26);

        var checksumOffset = p.Protocol switch { 6 => 16, 17 => 6, _ => 2 };
        var pseudo = p.Protocol == 1 && !v6 ? 0u : PseudoHeaderSum(ip, v6, protocol, l4.Length);
        var sum = Checksum(l4, pseudo);
        if (p.Protocol == 17 && sum == 0) sum = 0xFFFF;
        BinaryPrimitives.WriteUInt16BigEndian(l4.Slice(checksumOffset), sum);
        return total;
    }

    private static void WriteMac(Span<byte> mac, IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var n);
        mac[0] = 0x02;
        mac[1] = 0x4E;
        bytes.Slice(n - 4, 4).CopyTo(mac[2..]);
    }

    private static uint PseudoHeaderSum(ReadOnlySpan<byte> ip, bool v6, byte protocol, int length)
    {
        uint sum = 0;
        var addresses = v6 ? ip.Slice(8, 32) : ip.Slice(12, 8);
        for (var i = 0; i < addresses.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(addresses[i..]);
        return sum + protocol + (uint)length;
    }

    /// <summary>RFC 1071 one's-complement checksum, seeded with a pseudo-header sum.</summary>
    private static ushort Checksum(ReadOnlySpan<byte> data, uint sum)
    {
        var i = 0;
        for (; i + 1 < data.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length) sum += (uint)data[i] << 8;
        while (sum >> 16 != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }
}

/// <summary>One packet to synthesise. Protocol: 6 TCP, 17 UDP, 1 ICMP (ICMPv6 for IPv6 addresses).</summary>
public readonly record struct PacketSpec(
    IPAddress Source,
    IPAddress Destination,
    byte Protocol,
    ushort SourcePort = 0,
    ushort DestinationPort = 0,
    byte TcpFlags = 0,
    int PayloadLength = 0,
    uint Sequence = 0,
    uint Acknowledgement = 0,
    ushort IpId = 0,
    byte Ttl = 64);
