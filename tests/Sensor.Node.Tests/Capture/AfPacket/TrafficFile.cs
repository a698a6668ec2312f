using System.Buffers.Binary;
using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Capture.AfPacket;

/// <summary>
/// Generated capture files for live tests: interleaved TCP and UDP flows between 10.1.0.0/16 clients
/// and 10.2.0.0/16 servers. Every frame carries its sequence number (0, 1, 2 …) in the IPv4
/// identification field, so a test can tell exactly which frames it saw and whether any came twice.
/// Frames go to a MAC no veth has, so the receiving stack drops them silently.
/// </summary>
public static class TrafficFile
{
    /// <summary>UDP destination port of the "udp" flows (what filter tests select).</summary>
    public const ushort UdpPort = 9999;

    /// <summary>Offset of the IPv4 identification field in the generated frames.</summary>
    public const int SequenceOffset = 14 + 4;

    /// <summary>
    /// Writes <paramref name="flows"/> flows of <paramref name="packetsPerFlow"/> packets each: every
    /// <paramref name="udpEvery"/>-th flow is UDP to <see cref="UdpPort"/>, the others are TCP to port 80
    /// (SYN first, FIN last). Returns the per-protocol packet counts.
    /// </summary>
    public static TrafficSummary Write(string path, int flows, int packetsPerFlow, int udpEvery = 3, int payloadBytes = 64)
    {
        if (flows * packetsPerFlow > ushort.MaxValue + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(flows), "Sequence numbers are 16-bit: at most 65536 frames.");
        }
        long udp = 0;
        long tcp = 0;
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        using var writer = PcapWriter.Create(path);
        int sequence = 0;
        for (int round = 0; round < packetsPerFlow; round++)
        {
            for (int flow = 0; flow < flows; flow++)
            {
                bool isUdp = flow % udpEvery == 0;
                byte[] frame = Frame(flow, round, packetsPerFlow, isUdp, (ushort)sequence, payloadBytes);
                writer.WriteRecord(start + sequence * 10_000L, frame);
                sequence++;
                if (isUdp)
                {
                    udp++;
                }
                else
                {
                    tcp++;
                }
            }
        }
        return new TrafficSummary(udp + tcp, udp, tcp, flows);
    }

    /// <summary>The sequence number of a generated frame.</summary>
    public static ushort SequenceOf(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(SequenceOffset));

    private static byte[] Frame(int flow, int round, int packetsPerFlow, bool isUdp, ushort sequence, int payloadBytes)
    {
        string client = $"10.1.{flow / 250}.{flow % 250 + 1}";
        string server = $"10.2.0.{flow % 20 + 1}";
        ushort clientPort = (ushort)(20_000 + flow);
        byte[] transport;
        if (isUdp)
        {
            transport = Frames.Udp(clientPort, UdpPort, payloadBytes);
        }
        else
        {
            TcpFlags flags = round == 0 ? TcpFlags.Syn : round == packetsPerFlow - 1 ? TcpFlags.Fin | TcpFlags.Ack : TcpFlags.Ack | TcpFlags.Psh;
            transport = Frames.Tcp(clientPort, 80, flags, payloadBytes: payloadBytes);
        }
        byte protocol = isUdp ? (byte)17 : (byte)6;
        return Frames.Ethernet(0x0800, Frames.Ipv4(client, server, protocol, transport, id: sequence));
    }
}

/// <summary>What <see cref="TrafficFile.Write"/> produced.</summary>
public sealed record TrafficSummary(long Packets, long UdpPackets, long TcpPackets, int Flows);
