namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// IP address text from eve.json (UTF-8) to raw network-order bytes, without allocating: IPAddress
/// parsing allocates an object per address, twice per line. Strict on purpose: IPv4 is a dotted quad
/// (Suricata never writes the inet_aton short forms IPAddress also accepts); IPv6 is RFC 4291 text,
/// compressed or not (Suricata writes both), optionally with a dotted-quad tail; no zone id.
/// </summary>
public static class EveAddress
{
    /// <summary>Bytes of an IPv4 address.</summary>
    public const int Ipv4Length = 4;

    /// <summary>Bytes of an IPv6 address.</summary>
    public const int Ipv6Length = 16;

    /// <summary>
    /// Parses <paramref name="text"/> into <paramref name="destination"/> (at least 16 bytes).
    /// </summary>
    /// <param name="text">The address text.</param>
    /// <param name="destination">Receives the network-order bytes.</param>
    /// <param name="length">4 for IPv4, 16 for IPv6.</param>
    public static bool TryParse(ReadOnlySpan<byte> text, Span<byte> destination, out int length)
    {
        length = 0;
        if (destination.Length < Ipv6Length)
        {
            throw new ArgumentException("The destination must hold 16 bytes.", nameof(destination));
        }

        if (text.IndexOf((byte)':') < 0)
        {
            if (!TryParseIpv4(text, destination))
            {
                return false;
            }

            length = Ipv4Length;
            return true;
        }

        if (!TryParseIpv6(text, destination))
        {
            return false;
        }

        length = Ipv6Length;
        return true;
    }

    /// <summary>Exactly four decimal parts of 1 to 3 digits, each at most 255.</summary>
    private static bool TryParseIpv4(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        int part = 0;
        int index = 0;
        while (true)
        {
            int value = 0;
            int digits = 0;
            while (index < text.Length && (uint)(text[index] - '0') <= 9)
            {
                value = (value * 10) + (text[index] - '0');
                index++;
                if (++digits > 3)
                {
                    return false;
                }
            }

            if (digits == 0 || value > 255)
            {
                return false;
            }

            destination[part++] = (byte)value;
            if (part == Ipv4Length)
            {
                return index == text.Length;
            }

            if (index == text.Length || text[index] != '.')
            {
                return false;
            }

            index++;
        }
    }

    /// <summary>
    /// Up to eight groups of 1 to 4 hex digits separated by colons, at most one <c>::</c> standing for
    /// one or more zero groups, and optionally a dotted quad as the last two groups.
    /// </summary>
    private static bool TryParseIpv6(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        Span<ushort> groups = stackalloc ushort[8];
        int count = 0;
        int gap = -1;
        int index = 0;
        if (text.StartsWith("::"u8))
        {
            gap = 0;
            index = 2;
        }

        while (index < text.Length)
        {
            ReadOnlySpan<byte> rest = text[index..];
            int nextColon = rest.IndexOf((byte)':');
            ReadOnlySpan<byte> group = nextColon < 0 ? rest : rest[..nextColon];
            if (group.IndexOf((byte)'.') >= 0)
            {
                // An IPv4 tail fills two groups and must end the text; destination is scratch until the end.
                if (nextColon >= 0 || count > 6 || !TryParseIpv4(group, destination))
                {
                    return false;
                }

                groups[count++] = (ushort)((destination[0] << 8) | destination[1]);
                groups[count++] = (ushort)((destination[2] << 8) | destination[3]);
                index = text.Length;
                break;
            }

            if (count == 8 || !TryParseHexGroup(group, out ushort value))
            {
                return false;
            }

            groups[count++] = value;
            index += group.Length;
            if (index == text.Length)
            {
                break;
            }

            // Here text[index] is ':'.
            index++;
            if (index < text.Length && text[index] == ':')
            {
                if (gap >= 0)
                {
                    return false;
                }

                gap = count;
                index++;
            }
            else if (index == text.Length)
            {
                return false;
            }
        }

        if (gap < 0 ? count != 8 : count > 7)
        {
            return false;
        }

        destination[..Ipv6Length].Clear();
        int zeros = 8 - count;
        for (int i = 0; i < count; i++)
        {
            int slot = gap >= 0 && i >= gap ? i + zeros : i;
            destination[slot * 2] = (byte)(groups[i] >> 8);
            destination[(slot * 2) + 1] = (byte)groups[i];
        }

        return true;
    }

    private static bool TryParseHexGroup(ReadOnlySpan<byte> group, out ushort value)
    {
        value = 0;
        if (group.IsEmpty || group.Length > 4)
        {
            return false;
        }

        int accumulated = 0;
        foreach (byte b in group)
        {
            int digit = HexValue(b);
            if (digit < 0)
            {
                return false;
            }

            accumulated = (accumulated << 4) | digit;
        }

        value = (ushort)accumulated;
        return true;
    }

    /// <summary>The value of one hex digit, or -1.</summary>
    internal static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
