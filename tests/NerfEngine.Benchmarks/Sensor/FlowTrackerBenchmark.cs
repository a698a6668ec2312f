using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Benchmarks.Sensor;

/// <summary>
/// Per-packet cost of flow tracking on top of parsing: the parse+track loop of a capture thread over
/// thousands of live flows (many packets each, both directions, IPv4 and IPv6, TCP and UDP), against
/// parsing alone. Event time advances 10 µs per packet, so ticks and 50 ms aggregate windows fire
/// inside every measured pass. Allocated must read 0 B: the loop runs once per captured packet.
/// </summary>
[MemoryDiagnoser]
public class FlowTrackerBenchmark
{
    private const int FlowCount = 4_096;
    private const int PacketsPerFlow = 32;
    private const int FrameCount = FlowCount * PacketsPerFlow;
    private const long PacketSpacingNs = 10_000;

    private byte[][] _frames = [];
    private FlowTracker _tracker = null!;
    private CountingSink _sink;
    private long _now = 1_700_000_000_000_000_000;

    [GlobalSetup]
    public void Setup()
    {
        _frames = Traffic.Build(FlowCount, PacketsPerFlow);
        _tracker = new FlowTracker(new FlowTrackerOptions(), hashSeed: 1);
        // One pass creates every flow and grows the tables; measured passes are steady state.
        ParseAndTrack();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = FrameCount)]
    public long ParseOnly()
    {
        long total = 0;
        foreach (byte[] frame in _frames)
        {
            PacketParser.Parse(frame, out ParsedPacket packet);
            total += packet.IpTotalLength + packet.SourcePort;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = FrameCount)]
    public long ParseAndTrack()
    {
        foreach (byte[] frame in _frames)
        {
            _now += PacketSpacingNs;
            ParseOutcome outcome = PacketParser.Parse(frame, out ParsedPacket packet);
            if (outcome is ParseOutcome.Ipv4 or ParseOutcome.Ipv6)
            {
                _tracker.Observe(in packet, _now, ref _sink);
            }
        }

        return _sink.Edges;
    }

    /// <summary>Counts what the tracker emits, as cheaply as a sink can.</summary>
    private struct CountingSink : IEdgeSink
    {
        public long Edges;
        public long Addresses;

        public void OnEdge(in GraphEdge edge) => Edges += edge.Packets | 1;

        public void OnNodeAddress(in NodeAddress address) => Addresses++;

        public void OnFlowEnded(in FlowSummary flow)
        {
        }
    }

    /// <summary>Frames of many flows, interleaved round-robin so consecutive packets hit different flows.</summary>
    private static class Traffic
    {
        public static byte[][] Build(int flows, int packetsPerFlow)
        {
            var frames = new byte[flows * packetsPerFlow][];
            for (int packet = 0; packet < packetsPerFlow; packet++)
            {
                for (int flow = 0; flow < flows; flow++)
                {
                    bool reply = packet % 3 == 1;
                    frames[packet * flows + flow] = Frame(flow, reply, payload: reply ? 1200 : 80 + flow % 400);
                }
            }

            return frames;
        }

        /// <summary>Flow i: a client (IPv6 for 1 in 4 flows, IPv4 otherwise) talking TCP/443 or UDP/53 to one of 64 servers.</summary>
        private static byte[] Frame(int flow, bool reply, int payload)
        {
            bool v6 = flow % 8 >= 6;
            bool tcp = flow % 2 == 0;
            ushort clientPort = (ushort)(20_000 + flow % 40_000);
            ushort serverPort = (ushort)(tcp ? 443 : 53);
            byte[] transport = tcp
                ? Transport(reply ? serverPort : clientPort, reply ? clientPort : serverPort, 20, payload, flags: 0x18)
                : Transport(reply ? serverPort : clientPort, reply ? clientPort : serverPort, 8, payload, flags: 0);
            byte[] client = v6 ? V6(0x2001_0db8, flow) : [10, (byte)(flow >> 16), (byte)(flow >> 8), (byte)flow];
            byte[] server = v6 ? V6(0x2001_0db9, flow % 64) : [192, 0, 2, (byte)(flow % 64)];
            byte[] ip = v6
                ? Ipv6(reply ? server : client, reply ? client : server, tcp ? (byte)6 : (byte)17, transport)
                : Ipv4(reply ? server : client, reply ? client : server, tcp ? (byte)6 : (byte)17, transport);
            var frame = new byte[14 + ip.Length];
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), v6 ? (ushort)0x86DD : (ushort)0x0800);
            ip.CopyTo(frame, 14);
            return frame;
        }

        private static byte[] V6(int prefix, int host)
        {
            var address = new byte[16];
            BinaryPrimitives.WriteInt32BigEndian(address, prefix);
            BinaryPrimitives.WriteInt32BigEndian(address.AsSpan(12), host + 1);
            return address;
        }

        private static byte[] Ipv4(byte[] source, byte[] destination, byte protocol, byte[] payload)
        {
            var packet = new byte[20 + payload.Length];
            packet[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
            packet[8] = 64;
            packet[9] = protocol;
            source.CopyTo(packet, 12);
            destination.CopyTo(packet, 16);
            payload.CopyTo(packet, 20);
            return packet;
        }

        private static byte[] Ipv6(byte[] source, byte[] destination, byte nextHeader, byte[] payload)
        {
            var packet = new byte[40 + payload.Length];
            packet[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)payload.Length);
            packet[6] = nextHeader;
            packet[7] = 64;
            source.CopyTo(packet, 8);
            destination.CopyTo(packet, 24);
            payload.CopyTo(packet, 40);
            return packet;
        }

        private static byte[] Transport(ushort sourcePort, ushort destinationPort, int headerLength, int payload, byte flags)
        {
            var segment = new byte[headerLength + payload];
            BinaryPrimitives.WriteUInt16BigEndian(segment, sourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), destinationPort);
            if (headerLength == 20)
            {
                segment[12] = 5 << 4;
                segment[13] = flags;
            }
            else
            {
                BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(4), (ushort)segment.Length);
            }

            return segment;
        }
    }
}
