using System.Net;
using NerfEngine.Sensor.Parsing;
using static NerfEngine.Tests.SensorNode.Support.Frames;

namespace NerfEngine.Tests.SensorNode.Parsing;

public sealed class Ipv6ParsingTests
{
    [Fact]
    public void Udp_over_ipv6_yields_16_byte_addresses_and_ports()
    {
        byte[] frame = Ethernet(EtherTypes.Ipv6, Ipv6("2001:db8::1", "2001:db8::53", IpProtocols.Udp, Udp(40000, 53, 20), hopLimit: 9));

        Assert.Equal(ParseOutcome.Ipv6, PacketParser.Parse(frame, out ParsedPacket packet));
        Assert.Equal(6, packet.IpVersion);
        Assert.Equal(16, packet.AddressLength);
        Assert.Equal(IPAddress.Parse("2001:db8::1"), packet.GetSourceIPAddress());
        Assert.Equal(IPAddress.Parse("2001:db8::53"), packet.GetDestinationIPAddress());
        Assert.Equal(9, packet.HopLimit);
        Assert.Equal(40 + 28, packet.IpTotalLength);
        Assert.Equal(53, packet.DestinationPort);
        Assert.Equal(14 + 40, packet.TransportOffset);
    }

    [Fact]
    public void Hop_by_hop_destination_options_and_first_fragment_header_lead_to_the_tcp_header()
    {
        byte[] payload = Ipv6Extension(IpProtocols.DestinationOptions,
            Ipv6Extension(IpProtocols.Fragment,
                Ipv6Fragment(IpProtocols.Tcp, Tcp(1234, 80, TcpFlags.Syn), fragmentOffset: 0, moreFragments: true, id: 0xCAFEF00D),
                extraUnits: 1));
        byte[] frame = Ethernet(EtherTypes.Ipv6, Ipv6("fd00::1", "fd00::2", IpProtocols.HopByHop, payload));

        Assert.Equal(ParseOutcome.Ipv6, PacketParser.Parse(frame, out ParsedPacket packet));
        Assert.Equal(IpProtocols.Tcp, packet.Protocol);
        Assert.True(packet.IsFirstFragment);
        Assert.Equal(0xCAFEF00Du, packet.FragmentId);
        Assert.Equal(14 + 40 + 8 + 16 + 8, packet.TransportOffset);
        Assert.Equal(1234, packet.SourcePort);
        Assert.Equal(TcpFlags.Syn, packet.TcpFlags);
    }

    [Fact]
    public void Non_first_ipv6_fragment_stops_at_the_fragment_header_with_the_fragmented_protocol()
    {
        byte[] frame = Ethernet(EtherTypes.Ipv6, Ipv6("fd00::1", "fd00::2", IpProtocols.Fragment,
            Ipv6Fragment(IpProtocols.Icmpv6, new byte[64], fragmentOffset: 1448, moreFragments: false, id: 77)));

        Assert.Equal(ParseOutcome.Ipv6, PacketParser.Parse(frame, out ParsedPacket packet));
        Assert.True(packet.IsFragment);
        Assert.Equal(1448, packet.FragmentOffset);
        Assert.Equal(77u, packet.FragmentId);
        Assert.Equal(IpProtocols.Icmpv6, packet.Protocol);
        Assert.False(packet.HasTransportHeader);
    }

    [Fact]
    public void Atomic_fragment_is_not_treated_as_a_fragment()
    {
        byte[] frame = Ethernet(EtherTypes.Ipv6, Ipv6("fd00::1", "fd00::2", IpProtocols.Fragment,
            Ipv6Fragment(IpProtocols.Udp, Udp(1, 2), fragmentOffset: 0, moreFragments: false, id: 5)));

        Assert.Equal(ParseOutcome.Ipv6, PacketParser.Parse(frame, out ParsedPacket packet));
        Assert.False(packet.IsFragment);
        Assert.Equal(2, packet.DestinationPort);
    }

    [Fact]
    public void Routing_header_and_authentication_header_are_skipped_by_their_own_length_units()
    {
        byte[] ah = [IpProtocols.Udp, 4, 0, 0, .. new byte[20]]; // (4 + 2) * 4 = 24 bytes
        byte[] frame = Ethernet(EtherTypes.Ipv6, Ipv6("fd00::1", "fd00::2", IpProtocols.Routing,
            Ipv6Extension(IpProtocols.AuthenticationHeader, [.. ah, .. Udp(500, 4500)], extraUnits: 2)));

        Assert.Equal(ParseOutcome.Ipv6, PacketParser.Parse(frame, out ParsedPacket packet));
        Assert.Equal(14 + 40 + 24 + 24, packet.TransportOffset);
        Assert.Equal(4500, packet.DestinationPort);
    }

    [Theory]
    [InlineData(IpProtocols.Esp)]
    [InlineData(IpProtocols.NoNextHeader)]
    public void Esp_and_no_next_header_end_the_chain_without_a_transport_header(byte nextHeader)
    {
        byte[] frame = Ethernet(EtherTypes.Ipv6, Ipv6("fd00::1", "fd00::2", IpProtocols.DestinationOptions,
            Ipv6Extension(nextHeader, new byte[32])));

        Assert.Equal(ParseOutcome.Ipv6, PacketParser.Parse(frame, out ParsedPacket packet));
        Assert.Equal(nextHeader, packet.Protocol);
        Assert.False(packet.HasTransportHeader);
    }

    [Fact]
    public void Icmpv6_echo_request_reports_type_and_code()
    {
        byte[] frame = Ethernet(EtherTypes.Ipv6, Ipv6("fd00::1", "fd00::2", IpProtocols.Icmpv6, Icmp(128, 0, 56)));

        Assert.Equal(ParseOutcome.Ipv6, PacketParser.Parse(frame, out ParsedPacket packet));
        Assert.Equal(IpProtocols.Icmpv6, packet.Protocol);
        Assert.Equal(128, packet.IcmpType);
        Assert.Equal(0, packet.IcmpCode);
        Assert.True(packet.HasTransportHeader);
    }
}
