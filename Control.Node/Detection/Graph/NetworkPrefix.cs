using System.Net;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Control.Detection.Graph;

/// <summary>
/// A CIDR block ("10.0.0.0/8", "fc00::/7") matched against raw <see cref="NodeAddress"/> bytes,
/// so classifying a node never allocates an <see cref="IPAddress"/>.
/// </summary>
public readonly struct NetworkPrefix
{
    private readonly AddressBytes _network;

    private NetworkPrefix(AddressBytes network, byte ipVersion, int prefixLength, string text)
    {
        _network = network;
        IpVersion = ipVersion;
        PrefixLength = prefixLength;
        Text = text;
    }

    /// <summary>4 or 6.</summary>
    public byte IpVersion { get; }

    /// <summary>Leading bits that must match.</summary>
    public int PrefixLength { get; }

    /// <summary>Canonical CIDR text, e.g. "10.0.0.0/8".</summary>
    public string Text { get; }

    /// <summary>Parses CIDR notation; host bits are cleared ("10.1.2.3/8" means 10.0.0.0/8).</summary>
    /// <exception cref="FormatException">The text is not CIDR notation.</exception>
    public static NetworkPrefix Parse(string cidr)
    {
        if (!TryParse(cidr, out NetworkPrefix prefix))
        {
            throw new FormatException($"'{cidr}' is not a CIDR block such as 10.0.0.0/8 or fc00::/7.");
        }

        return prefix;
    }

    /// <summary>Parses CIDR notation without throwing.</summary>
    public static bool TryParse(string? cidr, out NetworkPrefix prefix)
    {
        prefix = default;
        if (string.IsNullOrWhiteSpace(cidr) || !IPNetwork.TryParse(cidr.Trim(), out IPNetwork network))
        {
            return false;
        }

        var record = NodeAddress.FromIPAddress(network.BaseAddress);
        prefix = new NetworkPrefix(record.Address, record.IpVersion, network.PrefixLength, network.ToString());
        return true;
    }

    /// <summary>Whether the address lies inside this block (an IPv4 block never matches IPv6).</summary>
    public bool Contains(in NodeAddress address)
    {
        if (address.IpVersion != IpVersion)
        {
            return false;
        }

        ReadOnlySpan<byte> net = _network;
        ReadOnlySpan<byte> candidate = address.Address;
        int full = PrefixLength / 8;
        if (!candidate[..full].SequenceEqual(net[..full]))
        {
            return false;
        }

        int rest = PrefixLength % 8;
        if (rest == 0)
        {
            return true;
        }

        int mask = 0xFF << (8 - rest) & 0xFF;
        return (candidate[full] & mask) == (net[full] & mask);
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
