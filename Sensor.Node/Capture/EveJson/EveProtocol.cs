using System.Buffers.Text;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// Suricata's <c>proto</c> field to an IANA protocol number. Suricata writes the name from its
/// protocol table when it knows one (<c>TCP</c>, <c>UDP</c>, <c>ICMP</c>, <c>IPv6-ICMP</c>, …) and
/// otherwise the number as three digits (<c>"047"</c>); JSON numbers are accepted too.
/// </summary>
public static class EveProtocol
{
    /// <summary>Stream Control Transmission Protocol.</summary>
    public const byte Sctp = 132;

    /// <summary>Generic Routing Encapsulation.</summary>
    public const byte Gre = 47;

    /// <summary>Internet Group Management Protocol.</summary>
    public const byte Igmp = 2;

    /// <summary>Parses a protocol name (case-insensitive) or decimal number 0..255.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out byte protocol)
    {
        protocol = 0;
        if (text.IsEmpty)
        {
            return false;
        }

        if ((uint)(text[0] - '0') <= 9)
        {
            return TryParseNumber(text, out protocol);
        }

        protocol = text switch
        {
            _ when Is(text, "TCP"u8) => IpProtocols.Tcp,
            _ when Is(text, "UDP"u8) => IpProtocols.Udp,
            _ when Is(text, "ICMP"u8) => IpProtocols.Icmp,
            _ when Is(text, "IPv6-ICMP"u8) || Is(text, "ICMPv6"u8) => IpProtocols.Icmpv6,
            _ when Is(text, "SCTP"u8) => Sctp,
            _ when Is(text, "GRE"u8) => Gre,
            _ when Is(text, "ESP"u8) => IpProtocols.Esp,
            _ when Is(text, "AH"u8) => IpProtocols.AuthenticationHeader,
            _ when Is(text, "IGMP"u8) => Igmp,
            _ => 0,
        };
        return protocol != 0;
    }

    /// <summary>A decimal number 0..255 and nothing else (leading zeros allowed: Suricata pads to three digits).</summary>
    public static bool TryParseNumber(ReadOnlySpan<byte> text, out byte protocol)
    {
        protocol = 0;
        if (!Utf8Parser.TryParse(text, out uint value, out int consumed) || consumed != text.Length || value > byte.MaxValue)
        {
            return false;
        }

        protocol = (byte)value;
        return true;
    }

    /// <summary>True for protocols without ports, whose GraphEdge ports are 0 (as the packet path writes them).</summary>
    public static bool HasNoPorts(byte protocol) => protocol is IpProtocols.Icmp or IpProtocols.Icmpv6;

    private static bool Is(ReadOnlySpan<byte> text, ReadOnlySpan<byte> name) => System.Text.Ascii.EqualsIgnoreCase(text, name);
}
