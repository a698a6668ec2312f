namespace NerfEngine.Sensor.Parsing;

/// <summary>EtherType values the parser branches on (IEEE 802 numbers registry).</summary>
public static class EtherTypes
{
    public const ushort Ipv4 = 0x0800;
    public const ushort Arp = 0x0806;
    /// <summary>802.1Q customer tag.</summary>
    public const ushort Vlan = 0x8100;
    public const ushort Ipv6 = 0x86DD;
    /// <summary>802.1ad service tag (the outer tag of QinQ).</summary>
    public const ushort QinQ = 0x88A8;
    /// <summary>Pre-standard QinQ outer tag still emitted by some switches.</summary>
    public const ushort QinQLegacy = 0x9100;
    /// <summary>Values below this in the type field are 802.3 lengths (LLC/SNAP frames), not types.</summary>
    public const ushort MinimumEtherType = 0x0600;
}

/// <summary>IANA protocol numbers (IPv4 protocol / IPv6 next header) the parser branches on.</summary>
public static class IpProtocols
{
    public const byte HopByHop = 0;
    public const byte Icmp = 1;
    public const byte Tcp = 6;
    public const byte Udp = 17;
    public const byte Routing = 43;
    public const byte Fragment = 44;
    public const byte Esp = 50;
    public const byte AuthenticationHeader = 51;
    public const byte Icmpv6 = 58;
    public const byte NoNextHeader = 59;
    public const byte DestinationOptions = 60;
    public const byte Mobility = 135;
    public const byte HostIdentity = 139;
    public const byte Shim6 = 140;
}
