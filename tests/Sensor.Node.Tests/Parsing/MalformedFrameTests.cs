using NerfEngine.Sensor.Parsing;
using static NerfEngine.Tests.SensorNode.Support.Frames;

namespace NerfEngine.Tests.SensorNode.Parsing;

/// <summary>Each malformation or truncation lands in its own named outcome and never throws.</summary>
public sealed class MalformedFrameTests
{
    private static readonly byte[] _tcpV4 = Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Tcp, Tcp(1, 2, TcpFlags.Syn, payloadBytes: 100)));
    private static readonly byte[] _udpV4 = Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Udp, Udp(1, 2, 100)));
    private static readonly byte[] _udpV6 = Ethernet(EtherTypes.Ipv6, Ipv6("fd00::1", "fd00::2", IpProtocols.DestinationOptions,
        Ipv6Extension(IpProtocols.Udp, Udp(1, 2, 100), extraUnits: 1)));

    /// <summary>(scenario, frame bytes, original length or -1, expected outcome).</summary>
    public static TheoryData<string, byte[], int, ParseOutcome> Cases => new()
    {
        { "13 bytes cannot hold an Ethernet header", _tcpV4[..13], -1, ParseOutcome.TruncatedEthernet },
        { "an empty frame", [], -1, ParseOutcome.TruncatedEthernet },
        { "802.1Q TPID with half a tag", [.. Ethernet(EtherTypes.Vlan, [])[..14], 0x00], -1, ParseOutcome.TruncatedVlan },
        { "QinQ whose inner tag was cut", Ethernet(EtherTypes.Ipv4, [], (EtherTypes.QinQ, 1), (EtherTypes.Vlan, 2))[..20], -1, ParseOutcome.TruncatedVlan },
        { "three stacked tags", Ethernet(EtherTypes.Ipv4, [], (EtherTypes.QinQ, 1), (EtherTypes.Vlan, 2), (EtherTypes.Vlan, 3)), -1, ParseOutcome.TooManyVlanTags },
        { "IPv4 header cut at 19 bytes", _tcpV4[..(14 + 19)], _tcpV4.Length, ParseOutcome.TruncatedIpv4 },
        { "IPv4 options cut by the snap length", Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", 6, Tcp(1, 2, 0), optionBytes: 40))[..40], 114, ParseOutcome.TruncatedIpv4 },
        { "IPv4 version 5", With(_tcpV4, 14, 0x55), -1, ParseOutcome.BadIpv4Header },
        { "IPv4 IHL of 4 words", With(_tcpV4, 14, 0x44), -1, ParseOutcome.BadIpv4Header },
        { "IPv4 total length below the IHL", With(_tcpV4, 17, 12), -1, ParseOutcome.BadIpv4Header },
        { "IPv4 total length beyond the frame", With(_tcpV4, 16, 0x10), -1, ParseOutcome.BadIpv4Header },
        { "IPv6 header cut at 39 bytes", _udpV6[..(14 + 39)], _udpV6.Length, ParseOutcome.TruncatedIpv6 },
        { "IPv6 extension header cut by the snap length", _udpV6[..(14 + 44)], _udpV6.Length, ParseOutcome.TruncatedIpv6 },
        { "IPv6 version 4", With(_udpV6, 14, 0x40), -1, ParseOutcome.BadIpv6Header },
        { "IPv6 payload length beyond the frame", With(_udpV6, 18, 0x10), -1, ParseOutcome.BadIpv6Header },
        { "hop-by-hop after another extension header", Ethernet(EtherTypes.Ipv6, Ipv6("fd00::1", "fd00::2", IpProtocols.DestinationOptions,
            Ipv6Extension(IpProtocols.HopByHop, Ipv6Extension(IpProtocols.Udp, Udp(1, 2))))), -1, ParseOutcome.BadIpv6ExtensionChain },
        { "extension header longer than the payload", With(_udpV6, 14 + 41, 200), -1, ParseOutcome.BadIpv6ExtensionChain },
        { "two fragment headers", Ethernet(EtherTypes.Ipv6, Ipv6("fd00::1", "fd00::2", IpProtocols.Fragment,
            Ipv6Fragment(IpProtocols.Fragment, Ipv6Fragment(IpProtocols.Udp, Udp(1, 2), 0, true, 1), 0, true, 1))), -1, ParseOutcome.BadIpv6ExtensionChain },
        { "nine destination-options headers", Ethernet(EtherTypes.Ipv6, Ipv6("fd00::1", "fd00::2", IpProtocols.DestinationOptions,
            Enumerable.Range(0, 9).Aggregate(Udp(1, 2), (rest, i) => Ipv6Extension(i == 0 ? IpProtocols.Udp : IpProtocols.DestinationOptions, rest)))), -1, ParseOutcome.BadIpv6ExtensionChain },
        { "tiny first fragment splitting the TCP header (RFC 1858)", Ethernet(EtherTypes.Ipv4,
            Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Tcp, Tcp(1, 2, TcpFlags.Syn)[..8], moreFragments: true)), -1, ParseOutcome.BadFragment },
        { "fragment reaching past 65535 bytes", Ethernet(EtherTypes.Ipv4,
            Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Udp, new byte[100], fragmentOffset: 65480)), -1, ParseOutcome.BadFragment },
        { "TCP header cut by the snap length", _tcpV4[..(34 + 12)], _tcpV4.Length, ParseOutcome.TruncatedTcp },
        { "TCP data offset of 4 words", With(_tcpV4, 34 + 12, 0x40), -1, ParseOutcome.BadTcpHeader },
        { "TCP data offset beyond the segment", Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Tcp,
            With(Tcp(1, 2, TcpFlags.Ack), 12, 0xF0))), -1, ParseOutcome.BadTcpHeader },
        { "IP payload too short for any TCP header", Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Tcp, new byte[12])), -1, ParseOutcome.BadTcpHeader },
        { "UDP header cut by the snap length", _udpV4[..(34 + 4)], _udpV4.Length, ParseOutcome.TruncatedUdp },
        { "UDP length below 8", With(_udpV4, 34 + 5, 4), -1, ParseOutcome.BadUdpHeader },
        { "UDP length beyond the IP payload", With(_udpV4, 34 + 4, 0x10), -1, ParseOutcome.BadUdpHeader },
        { "IP payload too short for a UDP header", Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Udp, new byte[6])), -1, ParseOutcome.BadUdpHeader },
        { "ICMP message of 4 bytes", Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Icmp, new byte[4])), -1, ParseOutcome.TruncatedIcmp },
        { "ICMPv6 cut by the snap length", Ethernet(EtherTypes.Ipv6, Ipv6("fd00::1", "fd00::2", IpProtocols.Icmpv6, Icmp(128, 0, 64)))[..(54 + 5)], 126, ParseOutcome.TruncatedIcmpv6 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Malformed_frame_is_counted_under_its_reason(string scenario, byte[] frame, int originalLength, ParseOutcome expected)
    {
        ParseOutcome outcome = PacketParser.Parse(frame, out _, originalLength);

        Assert.True(expected == outcome, $"{scenario}: expected {expected}, got {outcome}");
        Assert.True(outcome.IsError());
    }

    [Fact]
    public void Every_error_outcome_is_exercised_by_a_malformed_frame()
    {
        var covered = Cases.Select(row => (ParseOutcome)row[3]).ToHashSet();
        covered.Add(ParseOutcome.UnsupportedLinkType); // covered in EthernetAndVlanParsingTests

        var uncovered = Enum.GetValues<ParseOutcome>().Where(o => o.IsError() && !covered.Contains(o)).ToList();
        Assert.Empty(uncovered);
    }

    [Fact]
    public void Out_of_band_tag_plus_two_in_band_tags_is_one_tag_too_many()
    {
        byte[] frame = Ethernet(EtherTypes.Ipv4, _tcpV4[14..], (EtherTypes.QinQ, 1), (EtherTypes.Vlan, 2));

        Assert.Equal(ParseOutcome.TooManyVlanTags, PacketParser.Parse(frame, out _, vlanTci: 7, hasVlan: true));
    }

    private static byte[] With(byte[] frame, int index, byte value)
    {
        byte[] copy = (byte[])frame.Clone();
        copy[index] = value;
        return copy;
    }
}
