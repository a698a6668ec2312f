using System.Net;
using NerfEngine.Sensor.Parsing;
using static NerfEngine.Tests.SensorNode.Support.Frames;

namespace NerfEngine.Tests.SensorNode.Parsing;

public sealed class EthernetAndVlanParsingTests
{
    private static readonly byte[] _udpPacket = Ipv4("192.0.2.1", "198.51.100.7", IpProtocols.Udp, Udp(5000, 53, 10));

    [Fact]
    public void Untagged_frame_reports_no_vlan_and_the_ip_header_right_after_ethernet()
    {
        ParseOutcome outcome = PacketParser.Parse(Ethernet(EtherTypes.Ipv4, _udpPacket), out ParsedPacket packet);

        Assert.Equal(ParseOutcome.Ipv4, outcome);
        Assert.Equal(0, packet.VlanCount);
        Assert.Equal(EtherTypes.Ipv4, packet.EtherType);
        Assert.Equal(14, packet.NetworkOffset);
    }

    [Fact]
    public void Single_802_1Q_tag_is_the_outer_vlan()
    {
        byte[] frame = Ethernet(EtherTypes.Ipv4, _udpPacket, (EtherTypes.Vlan, 0x2064)); // PCP 1, VID 100

        Assert.Equal(ParseOutcome.Ipv4, PacketParser.Parse(frame, out ParsedPacket packet));
        Assert.Equal(1, packet.VlanCount);
        Assert.Equal(100, packet.OuterVlanId);
        Assert.Equal(0, packet.InnerVlanId);
        Assert.Equal(18, packet.NetworkOffset);
        Assert.Equal(53, packet.DestinationPort);
    }

    [Theory]
    [InlineData(EtherTypes.QinQ)]
    [InlineData(EtherTypes.QinQLegacy)]
    [InlineData(EtherTypes.Vlan)]
    public void QinQ_records_service_tag_as_outer_and_customer_tag_as_inner(ushort outerTpid)
    {
        byte[] frame = Ethernet(EtherTypes.Ipv4, _udpPacket, (outerTpid, 300), (EtherTypes.Vlan, 20));

        Assert.Equal(ParseOutcome.Ipv4, PacketParser.Parse(frame, out ParsedPacket packet));
        Assert.Equal(2, packet.VlanCount);
        Assert.Equal(300, packet.OuterVlanId);
        Assert.Equal(20, packet.InnerVlanId);
        Assert.Equal(IPAddress.Parse("198.51.100.7"), packet.GetDestinationIPAddress());
    }

    [Fact]
    public void Out_of_band_vlan_from_the_ring_header_is_the_outer_vlan_of_an_untagged_frame()
    {
        byte[] frame = Ethernet(EtherTypes.Ipv4, _udpPacket);

        ParseOutcome outcome = PacketParser.Parse(frame, out ParsedPacket packet, vlanTci: 0xE00A, hasVlan: true);

        Assert.Equal(ParseOutcome.Ipv4, outcome);
        Assert.Equal(1, packet.VlanCount);
        Assert.Equal(10, packet.OuterVlanId);
        Assert.Equal(14, packet.NetworkOffset);
    }

    [Fact]
    public void Out_of_band_outer_tag_plus_in_band_inner_tag_is_QinQ()
    {
        byte[] frame = Ethernet(EtherTypes.Ipv4, _udpPacket, (EtherTypes.Vlan, 20));

        Assert.Equal(ParseOutcome.Ipv4, PacketParser.Parse(frame, out ParsedPacket packet, vlanTci: 300, hasVlan: true));
        Assert.Equal(300, packet.OuterVlanId);
        Assert.Equal(20, packet.InnerVlanId);
    }

    [Fact]
    public void Vlan_tci_is_ignored_when_the_ring_says_it_is_not_valid()
    {
        PacketParser.Parse(Ethernet(EtherTypes.Ipv4, _udpPacket), out ParsedPacket packet, vlanTci: 300, hasVlan: false);

        Assert.Equal(0, packet.VlanCount);
    }

    [Fact]
    public void Arp_is_non_ip_and_not_an_error()
    {
        ParseOutcome outcome = PacketParser.Parse(Ethernet(EtherTypes.Arp, Arp()), out ParsedPacket packet);

        Assert.Equal(ParseOutcome.NonIp, outcome);
        Assert.True(outcome.IsSuccess());
        Assert.Equal(EtherTypes.Arp, packet.EtherType);
        Assert.Equal(0, packet.IpVersion);
        Assert.True(packet.SourceAddress.IsEmpty);
    }

    [Fact]
    public void Lldp_and_802_3_length_frames_are_non_ip()
    {
        Assert.Equal(ParseOutcome.NonIp, PacketParser.Parse(Ethernet(0x88CC, new byte[46]), out _));
        Assert.Equal(ParseOutcome.NonIp, PacketParser.Parse(Ethernet(46, new byte[46]), out _));
    }

    [Fact]
    public void Raw_ip_link_type_starts_at_the_ip_header()
    {
        Assert.Equal(ParseOutcome.Ipv4, PacketParser.Parse(_udpPacket, out ParsedPacket v4, linkType: LinkType.RawIp));
        Assert.Equal(0, v4.NetworkOffset);
        byte[] v6 = Ipv6("fd00::1", "fd00::2", IpProtocols.Udp, Udp(1, 2));
        Assert.Equal(ParseOutcome.Ipv6, PacketParser.Parse(v6, out _, linkType: LinkType.RawIp));
    }

    [Fact]
    public void Linux_cooked_captures_v1_and_v2_are_read_from_their_protocol_field()
    {
        byte[] sll = [0, 0, 0, 1, 0, 6, .. SourceMac, 0, 0, 0x08, 0x00, .. _udpPacket];
        byte[] sll2 = [0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, .. SourceMac, 0, 0, .. _udpPacket];

        Assert.Equal(ParseOutcome.Ipv4, PacketParser.Parse(sll, out ParsedPacket v1, linkType: LinkType.LinuxSll));
        Assert.Equal(ParseOutcome.Ipv4, PacketParser.Parse(sll2, out ParsedPacket v2, linkType: LinkType.LinuxSll2));
        Assert.Equal(16, v1.NetworkOffset);
        Assert.Equal(20, v2.NetworkOffset);
    }

    [Fact]
    public void Unknown_link_type_is_counted_as_unsupported()
    {
        Assert.Equal(ParseOutcome.UnsupportedLinkType, PacketParser.Parse(_udpPacket, out _, linkType: (LinkType)105));
    }
}
