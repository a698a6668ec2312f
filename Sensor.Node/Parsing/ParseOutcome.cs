namespace NerfEngine.Sensor.Parsing;

/// <summary>
/// What became of one frame. Every frame gets exactly one outcome, so per-outcome counters always
/// sum to the number of frames seen. Values are contiguous from zero because <see cref="ParseCounters"/>
/// indexes an array with them.
/// </summary>
/// <remarks>
/// Naming rule for the errors: <c>Truncated*</c> means the captured bytes end before that header is
/// complete (a short frame or a snap length); <c>Bad*</c> means the header's own fields are
/// inconsistent, or the header does not fit in the length its enclosing header declares.
/// ICMP has no length field of its own, so an ICMP message too short for its 8-byte header is always
/// <see cref="TruncatedIcmp"/>/<see cref="TruncatedIcmpv6"/>.
/// </remarks>
public enum ParseOutcome : byte
{
    /// <summary>An IPv4 packet (possibly a fragment; see <see cref="ParsedPacket.IsFragment"/>).</summary>
    Ipv4,
    /// <summary>An IPv6 packet (possibly a fragment).</summary>
    Ipv6,
    /// <summary>A well-formed frame carrying something other than IP (ARP, LLDP, 802.3 LLC …): not an error.</summary>
    NonIp,

    /// <summary>Fewer bytes than an Ethernet (or Linux cooked) header.</summary>
    TruncatedEthernet,
    /// <summary>A VLAN TPID announced a tag whose 4 bytes were not captured.</summary>
    TruncatedVlan,
    /// <summary>More than two VLAN tags (in band plus out of band); QinQ is the deepest we key on.</summary>
    TooManyVlanTags,
    /// <summary>Fewer captured bytes than the IPv4 header (20 bytes plus options) needs.</summary>
    TruncatedIpv4,
    /// <summary>IPv4 version is not 4, IHL is under 5, or total length is below IHL or beyond the frame.</summary>
    BadIpv4Header,
    /// <summary>Fewer captured bytes than the IPv6 fixed header or one of its extension headers.</summary>
    TruncatedIpv6,
    /// <summary>IPv6 version is not 6 or the payload length runs beyond the frame.</summary>
    BadIpv6Header,
    /// <summary>Extension headers out of order, repeated fragment headers, too many, or overrunning the payload.</summary>
    BadIpv6ExtensionChain,
    /// <summary>A first fragment too small to hold its transport header (RFC 1858) or one reaching past 65535.</summary>
    BadFragment,
    /// <summary>The 20-byte TCP header was not captured.</summary>
    TruncatedTcp,
    /// <summary>TCP data offset under 5 words or larger than the segment the IP header declares.</summary>
    BadTcpHeader,
    /// <summary>The 8-byte UDP header was not captured.</summary>
    TruncatedUdp,
    /// <summary>UDP length under 8 or larger than the datagram the IP header declares.</summary>
    BadUdpHeader,
    /// <summary>An ICMP message shorter than its 8-byte header.</summary>
    TruncatedIcmp,
    /// <summary>An ICMPv6 message shorter than its 8-byte header.</summary>
    TruncatedIcmpv6,
    /// <summary>The capture's link type is not one the parser reads (see <see cref="LinkType"/>).</summary>
    UnsupportedLinkType,
}

/// <summary>Facts about <see cref="ParseOutcome"/> that counters and callers share.</summary>
public static class ParseOutcomes
{
    /// <summary>Number of outcomes; the size of a per-outcome counter array.</summary>
    public const int Count = (int)ParseOutcome.UnsupportedLinkType + 1;

    /// <summary>True for frames that parsed (IP or non-IP); false for parse errors.</summary>
    public static bool IsSuccess(this ParseOutcome outcome) => outcome <= ParseOutcome.NonIp;

    /// <summary>True for the outcomes that count as parse errors in capture statistics.</summary>
    public static bool IsError(this ParseOutcome outcome) => outcome > ParseOutcome.NonIp;
}
