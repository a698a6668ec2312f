using NerfEngine.Sensor.Parsing;
using static NerfEngine.Tests.SensorNode.Support.Frames;

namespace NerfEngine.Tests.SensorNode.Parsing;

public sealed class TransportParsingTests
{
    [Fact]
    public void Tcp_flags_include_the_accurate_ecn_bit_from_byte_12()
    {
        byte[] frame = Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Tcp,
            Tcp(1, 2, TcpFlags.Fin | TcpFlags.Rst | TcpFlags.Psh | TcpFlags.Ack | TcpFlags.Urg | TcpFlags.Ae)));

        Assert.Equal(ParseOutcome.Ipv4, PacketParser.Parse(frame, out ParsedPacket packet));
        Assert.Equal(TcpFlags.Fin | TcpFlags.Rst | TcpFlags.Psh | TcpFlags.Ack | TcpFlags.Urg | TcpFlags.Ae, packet.TcpFlags);
    }

    [Fact]
    public void Udp_datagram_reports_ports()
    {
        byte[] frame = Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Udp, Udp(68, 67, 300)));

        Assert.Equal(ParseOutcome.Ipv4, PacketParser.Parse(frame, out ParsedPacket packet));
        Assert.Equal(IpProtocols.Udp, packet.Protocol);
        Assert.Equal(68, packet.SourcePort);
        Assert.Equal(67, packet.DestinationPort);
        Assert.Equal(TcpFlags.None, packet.TcpFlags);
    }

    [Fact]
    public void Icmp_port_unreachable_reports_type_and_code_without_ports()
    {
        byte[] frame = Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.2", "10.0.0.1", IpProtocols.Icmp, Icmp(3, 3, 28)));

        Assert.Equal(ParseOutcome.Ipv4, PacketParser.Parse(frame, out ParsedPacket packet));
        Assert.Equal(3, packet.IcmpType);
        Assert.Equal(3, packet.IcmpCode);
        Assert.Equal(0, packet.SourcePort);
        Assert.True(packet.HasTransportHeader);
    }
}
