using NerfEngine.Sensor.Parsing;
using static NerfEngine.Tests.SensorNode.Support.Frames;

namespace NerfEngine.Tests.SensorNode.Capture.Xdp;

/// <summary>
/// A deterministic mix of conversations, interleaved at random but each in its own order: TCP with handshake
/// and FINs, TCP cut by RST, UDP, ICMP, IPv6 TCP and UDP, 802.1Q and QinQ tagged UDP, and fragmented IPv4 UDP.
/// Every frame parses as IP, so user space and the kernel see the same packets.
/// </summary>
internal static class MixedFrames
{
    public static List<byte[]> Generate(int conversations, int seed)
    {
        var random = new Random(seed);
        var queues = new List<Queue<byte[]>>();
        for (int i = 0; i < conversations; i++)
        {
            queues.Add(new Queue<byte[]>(Conversation(i, random)));
        }
        var frames = new List<byte[]>();
        while (queues.Count > 0)
        {
            int pick = random.Next(queues.Count);
            frames.Add(queues[pick].Dequeue());
            if (queues[pick].Count == 0)
            {
                queues.RemoveAt(pick);
            }
        }
        return frames;
    }

    private static IEnumerable<byte[]> Conversation(int index, Random random)
    {
        string client = $"10.1.{index / 200}.{index % 200 + 1}";
        string server = $"10.2.0.{index % 7 + 1}";
        string client6 = $"fd00::1:{index + 1:x}";
        string server6 = $"fd00::2:{index % 5 + 1:x}";
        ushort port = (ushort)(30000 + index);
        int data = random.Next(1, 8);
        switch (index % 8)
        {
            case 0:
            case 1:
                yield return V4(client, server, IpProtocols.Tcp, Tcp(port, 80, TcpFlags.Syn));
                yield return V4(server, client, IpProtocols.Tcp, Tcp(80, port, TcpFlags.Syn | TcpFlags.Ack));
                for (int i = 0; i < data; i++)
                {
                    yield return i % 2 == 0
                        ? V4(client, server, IpProtocols.Tcp, Tcp(port, 80, TcpFlags.Ack | TcpFlags.Psh, payloadBytes: random.Next(0, 900)))
                        : V4(server, client, IpProtocols.Tcp, Tcp(80, port, TcpFlags.Ack, payloadBytes: random.Next(0, 1400)));
                }
                yield return V4(client, server, IpProtocols.Tcp, Tcp(port, 80, TcpFlags.Fin | TcpFlags.Ack));
                yield return V4(server, client, IpProtocols.Tcp, Tcp(80, port, TcpFlags.Fin | TcpFlags.Ack));
                if (index % 8 == 1)
                {
                    yield return V4(client, server, IpProtocols.Tcp, Tcp(port, 80, TcpFlags.Ack)); // opens a new flow, as in user space
                }
                break;
            case 2:
                yield return V4(client, server, IpProtocols.Tcp, Tcp(port, 22, TcpFlags.Syn));
                yield return V4(server, client, IpProtocols.Tcp, Tcp(22, port, TcpFlags.Rst | TcpFlags.Ack));
                break;
            case 3:
                for (int i = 0; i < data; i++)
                {
                    yield return V4(client, server, IpProtocols.Udp, Udp(port, 53, random.Next(10, 300)));
                    yield return V4(server, client, IpProtocols.Udp, Udp(53, port, random.Next(10, 500)));
                }
                yield return V4(client, server, IpProtocols.Icmp, Icmp(8, 0, 56));
                break;
            case 4:
                yield return V6(client6, server6, IpProtocols.Tcp, Tcp(port, 443, TcpFlags.Syn));
                for (int i = 0; i < data; i++)
                {
                    yield return V6(server6, client6, IpProtocols.Udp, Udp(5353, port, random.Next(0, 200)));
                }
                break;
            case 5:
                for (int i = 0; i < data; i++)
                {
                    byte[] ip = Ipv4(client, server, IpProtocols.Udp, Udp(port, 4789, random.Next(0, 200)));
                    yield return Ethernet(EtherTypes.Ipv4, ip, (EtherTypes.Vlan, (ushort)(10 + index % 3)));
                    yield return Ethernet(EtherTypes.Ipv4, ip, (EtherTypes.QinQ, 100), (EtherTypes.Vlan, (ushort)(20 + index % 3)));
                }
                break;
            case 6:
                byte[] datagram = Udp(port, 2049, payloadBytes: 64);
                ushort id = (ushort)(0x1000 + index);
                yield return V4(client, server, IpProtocols.Udp, datagram[..24], id, moreFragments: true);
                yield return V4(client, server, IpProtocols.Udp, datagram[24..48], id, moreFragments: true, offset: 24);
                yield return V4(client, server, IpProtocols.Udp, datagram[48..], id, moreFragments: false, offset: 48);
                break;
            default:
                yield return V4(server, client, IpProtocols.Tcp, Tcp(8443, port, TcpFlags.Ack, payloadBytes: 100)); // mid-connection
                yield return V4(client, server, IpProtocols.Tcp, Tcp(port, 8443, TcpFlags.Ack));
                yield return V4(client, server, IpProtocols.Tcp, Tcp(port, 8443, TcpFlags.Syn)); // the client was the originator all along
                break;
        }
    }

    private static byte[] V4(string source, string destination, byte protocol, byte[] payload, ushort id = 1, bool moreFragments = false, int offset = 0) =>
        Ethernet(EtherTypes.Ipv4, Ipv4(source, destination, protocol, payload, id: id, moreFragments: moreFragments, fragmentOffset: offset));

    private static byte[] V6(string source, string destination, byte protocol, byte[] payload) =>
        Ethernet(EtherTypes.Ipv6, Ipv6(source, destination, protocol, payload));
}
