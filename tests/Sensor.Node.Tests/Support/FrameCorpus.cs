using NerfEngine.Sensor.Parsing;
using static NerfEngine.Tests.SensorNode.Support.Frames;

namespace NerfEngine.Tests.SensorNode.Support;

/// <summary>One valid frame of every shape the parser knows: the seed set that property tests mutate.</summary>
public static class FrameCorpus
{
    public static IReadOnlyList<byte[]> ValidFrames { get; } =
    [
        Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Tcp, Tcp(40000, 443, TcpFlags.Syn, optionBytes: 20))),
        Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Udp, Udp(5353, 53, 12), optionBytes: 8)),
        Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Icmp, Icmp(8, 0, 16)), (EtherTypes.Vlan, 100)),
        Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Udp, Udp(1, 2, 40), moreFragments: true), (EtherTypes.QinQ, 300), (EtherTypes.Vlan, 20)),
        Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Udp, new byte[24], fragmentOffset: 1480)),
        Ethernet(EtherTypes.Ipv6, Ipv6("fd00::1", "fd00::2", IpProtocols.HopByHop,
            Ipv6Extension(IpProtocols.DestinationOptions, Ipv6Extension(IpProtocols.Fragment,
                Ipv6Fragment(IpProtocols.Tcp, Tcp(1234, 80, TcpFlags.Ack | TcpFlags.Psh, payloadBytes: 8), 0, true, 7))))),
        Ethernet(EtherTypes.Ipv6, Ipv6("fd00::1", "fd00::2", IpProtocols.Icmpv6, Icmp(128, 0, 8))),
        Ethernet(EtherTypes.Ipv6, Ipv6("fd00::1", "fd00::2", IpProtocols.Udp, Udp(9999, 53, 4))),
        Ethernet(EtherTypes.Arp, Arp()),
    ];
}
