namespace NerfEngine.Sensor.Parsing;

/// <summary>
/// Link-layer header types, with the numbers of tcpdump.org's LINKTYPE_ registry (the values pcap and
/// pcapng files store). Only the named ones are parsed; any other number may still appear in a
/// capture file and is reported as <see cref="ParseOutcome.UnsupportedLinkType"/>.
/// </summary>
public enum LinkType : ushort
{
    /// <summary>LINKTYPE_ETHERNET: Ethernet II / 802.3, what AF_PACKET and tcpdump on a NIC give.</summary>
    Ethernet = 1,
    /// <summary>LINKTYPE_RAW: the frame starts with an IPv4 or IPv6 header.</summary>
    RawIp = 101,
    /// <summary>LINKTYPE_LINUX_SLL: Linux cooked capture v1 (<c>tcpdump -i any</c> on older libpcap).</summary>
    LinuxSll = 113,
    /// <summary>LINKTYPE_IPV4: raw IPv4.</summary>
    Ipv4 = 228,
    /// <summary>LINKTYPE_IPV6: raw IPv6.</summary>
    Ipv6 = 229,
    /// <summary>LINKTYPE_LINUX_SLL2: Linux cooked capture v2 (<c>tcpdump -i any</c> on libpcap ≥ 1.10).</summary>
    LinuxSll2 = 276,
}
