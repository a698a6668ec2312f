using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Benchmarks.Sensor;

/// <summary>
/// Per-frame cost of <see cref="PacketParser"/> on a realistic mix (IPv4/IPv6, TCP with options,
/// UDP, VLAN, ICMP, ARP) against the floor of the capture loop: touching each frame and summing its
/// length. Read the Ratio column and Allocated, which must be 0 B: the parser runs once per packet.
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmark
{
    private const int FrameCount = 1024;

    private readonly ParseCounters _counters = new();
    private byte[][] _frames = [];

    [GlobalSetup]
    public void Setup()
    {
        byte[][] templates = MixedTraffic.Templates();
        if (templates.FirstOrDefault(t => !PacketParser.Parse(t, out _).IsSuccess()) is byte[] broken)
        {
            // Measuring error paths by accident would flatter the parser.
            throw new InvalidOperationException($"Benchmark frame of {broken.Length} bytes does not parse.");
        }
        // Interleave so the branch predictor sees a mix, as a ring block does.
        _frames = Enumerable.Range(0, FrameCount).Select(i => templates[(i * 7) % templates.Length]).ToArray();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = FrameCount)]
    public long SumFrameBytes()
    {
        long total = 0;
        foreach (byte[] frame in _frames)
        {
            total += frame.Length;
        }
        return total;
    }

    [Benchmark(OperationsPerInvoke = FrameCount)]
    public long Parse()
    {
        long total = 0;
        foreach (byte[] frame in _frames)
        {
            PacketParser.Parse(frame, out ParsedPacket packet);
            total += packet.IpTotalLength + packet.DestinationPort;
        }
        return total;
    }

    [Benchmark(OperationsPerInvoke = FrameCount)]
    public long ParseAndCount()
    {
        long total = 0;
        foreach (byte[] frame in _frames)
        {
            ParseOutcome outcome = PacketParser.Parse(frame, out ParsedPacket packet);
            _counters.Record(outcome, packet);
            total += packet.IpTotalLength;
        }
        return total;
    }

    /// <summary>Frames shaped like a campus uplink: mostly TCP, DNS and QUIC, some VLAN, ICMP and ARP.</summary>
    private static class MixedTraffic
    {
        public static byte[][] Templates() =>
        [
            Ethernet(0x0800, Ipv4(6, Tcp(443, 51000, flags: 0x10, optionBytes: 12, payload: 1388))),
            Ethernet(0x0800, Ipv4(6, Tcp(51000, 443, flags: 0x10, optionBytes: 12, payload: 0))),
            Ethernet(0x0800, Ipv4(6, Tcp(51001, 80, flags: 0x02, optionBytes: 20, payload: 0))),
            Ethernet(0x0800, Ipv4(17, Udp(53000, 53, payload: 40))),
            Ethernet(0x0800, Ipv4(17, Udp(443, 53001, payload: 1200))),
            Ethernet(0x86DD, Ipv6(6, Tcp(443, 52000, flags: 0x18, optionBytes: 12, payload: 1368))),
            Ethernet(0x86DD, Ipv6(17, Udp(52001, 443, payload: 1200))),
            Ethernet(0x0800, Ipv4(6, Tcp(22, 50000, flags: 0x18, optionBytes: 12, payload: 96)), vlan: 100),
            Ethernet(0x0800, Ipv4(1, [8, 0, 0, 0, 0, 1, 0, 1, .. new byte[56]])),
            Ethernet(0x0806, new byte[28]),
        ];

        private static byte[] Ethernet(ushort etherType, byte[] payload, ushort vlan = 0)
        {
            int tagLength = vlan == 0 ? 0 : 4;
            var frame = new byte[14 + tagLength + payload.Length];
            if (vlan != 0)
            {
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x8100);
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14), vlan);
            }
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12 + tagLength), etherType);
            payload.CopyTo(frame, 14 + tagLength);
            return frame;
        }

        private static byte[] Ipv4(byte protocol, byte[] payload)
        {
            var packet = new byte[20 + payload.Length];
            packet[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
            packet[6] = 0x40; // DF
            packet[8] = 64;
            packet[9] = protocol;
            packet[12] = 10;
            packet[15] = 1;
            packet[16] = 10;
            packet[19] = 2;
            payload.CopyTo(packet, 20);
            return packet;
        }

        private static byte[] Ipv6(byte nextHeader, byte[] payload)
        {
            var packet = new byte[40 + payload.Length];
            packet[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)payload.Length);
            packet[6] = nextHeader;
            packet[7] = 64;
            packet[8] = 0xFD;
            packet[23] = 1;
            packet[24] = 0xFD;
            packet[39] = 2;
            payload.CopyTo(packet, 40);
            return packet;
        }

        private static byte[] Tcp(ushort sourcePort, ushort destinationPort, byte flags, int optionBytes, int payload)
        {
            var segment = new byte[20 + optionBytes + payload];
            BinaryPrimitives.WriteUInt16BigEndian(segment, sourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), destinationPort);
            segment[12] = (byte)(((20 + optionBytes) / 4) << 4);
            segment[13] = flags;
            return segment;
        }

        private static byte[] Udp(ushort sourcePort, ushort destinationPort, int payload)
        {
            var datagram = new byte[8 + payload];
            BinaryPrimitives.WriteUInt16BigEndian(datagram, sourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), destinationPort);
            BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), (ushort)datagram.Length);
            return datagram;
        }
    }
}
