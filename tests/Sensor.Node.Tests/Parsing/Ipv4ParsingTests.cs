using System.Net;
using NerfEngine.Sensor.Parsing;
using static NerfEngine.Tests.SensorNode.Support.Frames;

namespace NerfEngine.Tests.SensorNode.Parsing;

public sealed class Ipv4ParsingTests
{
    [Fact]
    public void Tcp_over_ipv4_with_tcp_options_yields_addresses_ports_flags_and_lengths()
    {
        byte[] frame = Ethernet(EtherTypes.Ipv4, Ipv4("10.1.2.3", "10.4.5.6", IpProtocols.Tcp,
            Tcp(51000, 443, TcpFlags.Syn | TcpFlags.Ece | TcpFlags.Cwr, optionBytes: 20), ttl: 57));

        ParseOutcome outcome = PacketParser.Parse(frame, out ParsedPacket packet);

        Assert.Equal(ParseOutcome.Ipv4, outcome);
        Assert.Equal(4, packet.IpVersion);
        Assert.Equal(4, packet.AddressLength);
        Assert.Equal(IPAddress.Parse("10.1.2.3"), packet.GetSourceIPAddress());
        Assert.Equal(IPAddress.Parse("10.4.5.6"), packet.GetDestinationIPAddress());
        Assert.Equal(IpProtocols.Tcp, packet.Protocol);
        Assert.Equal(57, packet.HopLimit);
        Assert.Equal(51000, packet.SourcePort);
        Assert.Equal(443, packet.DestinationPort);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ece | TcpFlags.Cwr, packet.TcpFlags);
        Assert.Equal(20 + 40, packet.IpTotalLength);
        Assert.Equal(frame.Length, packet.FrameLength);
        Assert.Equal(34, packet.TransportOffset);
        Assert.False(packet.IsFragment);
    }

    [Fact]
    public void An_ipv4_address_is_stored_as_its_four_bytes_then_twelve_zeros()
    {
        // Flow keys are built from all sixteen stored bytes: the same IPv4 address must always give the same sixteen.
        byte[] frame = Ethernet(EtherTypes.Ipv4, Ipv4("192.0.2.250", "198.51.100.7", IpProtocols.Udp, Udp(7, 9)));

        PacketParser.Parse(frame, out ParsedPacket packet);

        byte[] source = [192, 0, 2, 250, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        byte[] destination = [198, 51, 100, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.Equal(source, ((ReadOnlySpan<byte>)packet.SourceAddressBytes).ToArray());
        Assert.Equal(destination, ((ReadOnlySpan<byte>)packet.DestinationAddressBytes).ToArray());
    }

    [Fact]
    public void Ipv4_options_move_the_transport_header_by_the_ihl()
    {
        byte[] frame = Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Udp, Udp(7, 9), optionBytes: 40));

        Assert.Equal(ParseOutcome.Ipv4, PacketParser.Parse(frame, out ParsedPacket packet));
        Assert.Equal(14 + 60, packet.TransportOffset);
        Assert.Equal(7, packet.SourcePort);
        Assert.Equal(9, packet.DestinationPort);
    }

    [Fact]
    public void Ethernet_padding_after_a_short_ip_packet_is_not_counted_as_ip_bytes()
    {
        byte[] frame = [.. Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Udp, Udp(1, 2))), .. new byte[18]];

        Assert.Equal(ParseOutcome.Ipv4, PacketParser.Parse(frame, out ParsedPacket packet));
        Assert.Equal(28, packet.IpTotalLength);
        Assert.Equal(60, packet.FrameLength);
    }

    [Fact]
    public void First_fragment_carries_ports_and_is_marked_as_a_fragment()
    {
        byte[] frame = Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Udp,
            Udp(4000, 4001, payloadBytes: 1472), id: 0xBEEF, moreFragments: true));
        frame = frame[..(14 + 20 + 1000)]; // what the wire carried of it
        FixIpv4TotalLength(frame, 1020);

        Assert.Equal(ParseOutcome.Ipv4, PacketParser.Parse(frame, out ParsedPacket packet));
        Assert.True(packet.IsFragment);
        Assert.True(packet.IsFirstFragment);
        Assert.True(packet.MoreFragments);
        Assert.Equal(0xBEEFu, packet.FragmentId);
        Assert.True(packet.HasTransportHeader);
        Assert.Equal(4000, packet.SourcePort);
    }

    [Fact]
    public void Non_first_fragment_has_no_ports_and_is_keyed_by_addresses_protocol_and_id()
    {
        byte[] frame = Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Udp, new byte[480], id: 0xBEEF, fragmentOffset: 1000));

        Assert.Equal(ParseOutcome.Ipv4, PacketParser.Parse(frame, out ParsedPacket packet));
        Assert.True(packet.IsFragment);
        Assert.False(packet.IsFirstFragment);
        Assert.False(packet.MoreFragments);
        Assert.Equal(1000, packet.FragmentOffset);
        Assert.Equal(0xBEEFu, packet.FragmentId);
        Assert.Equal(IpProtocols.Udp, packet.Protocol);
        Assert.False(packet.HasTransportHeader);
        Assert.Equal(0, packet.SourcePort);
        Assert.Equal(0, packet.TransportOffset);
    }

    [Fact]
    public void Snap_length_cut_keeps_the_declared_ip_length_and_reports_the_captured_part()
    {
        byte[] full = Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Tcp, Tcp(1, 2, TcpFlags.Ack, payloadBytes: 1400)));

        ParseOutcome outcome = PacketParser.Parse(full.AsSpan(0, 96), out ParsedPacket packet, originalLength: full.Length);

        Assert.Equal(ParseOutcome.Ipv4, outcome);
        Assert.Equal(full.Length, packet.FrameLength);
        Assert.Equal(96, packet.CapturedLength);
        Assert.Equal(1440, packet.IpTotalLength);
        Assert.Equal(96 - 14, packet.IpCapturedLength);
        Assert.True(packet.IsTruncatedBySnapLength);
        Assert.Equal(2, packet.DestinationPort);
    }

    [Fact]
    public void Other_ip_protocols_parse_without_ports()
    {
        byte[] frame = Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", 47 /* GRE */, new byte[24]));

        Assert.Equal(ParseOutcome.Ipv4, PacketParser.Parse(frame, out ParsedPacket packet));
        Assert.Equal(47, packet.Protocol);
        Assert.False(packet.HasTransportHeader);
    }

    internal static void FixIpv4TotalLength(byte[] frame, int totalLength)
    {
        frame[16] = (byte)(totalLength >> 8);
        frame[17] = (byte)totalLength;
    }
}
