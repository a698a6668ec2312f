using System.Net;
using NerfEngine.Shared.Messages.Hashing;

namespace NerfEngine.Shared.Messages.Records;

/// <summary>Conversions between <see cref="NodeAddress"/> and addresses people and tools use.</summary>
public partial struct NodeAddress
{
    /// <summary>
    /// Builds the record for raw address bytes exactly as on the wire (network order): 4 bytes
    /// for IPv4, 16 for IPv6. The node id is computed here, the same way the XDP program does.
    /// </summary>
    /// <exception cref="ArgumentException">The span is neither 4 nor 16 bytes long.</exception>
    public static NodeAddress FromAddressBytes(ReadOnlySpan<byte> address)
    {
        var record = new NodeAddress
        {
            NodeId = Fnv1a64.NodeId(address),
            IpVersion = address.Length == 4 ? (byte)4 : (byte)6,
        };
        address.CopyTo(record.Address);
        return record;
    }

    /// <summary>
    /// Builds the record for an <see cref="IPAddress"/>. An IPv4-mapped IPv6 address stays IPv6:
    /// the node id must match what the sensor hashed from the packet, not a normalised form.
    /// The IPv6 scope id is not part of the record.
    /// </summary>
    public static NodeAddress FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> raw = stackalloc byte[AddressBytes.Length];
        if (!address.TryWriteBytes(raw, out int written))
        {
            throw new ArgumentException($"Cannot take the bytes of address '{address}'.", nameof(address));
        }

        return FromAddressBytes(raw[..written]);
    }

    /// <summary>The address this record describes.</summary>
    /// <exception cref="RecordFormatException"><see cref="IpVersion"/> is neither 4 nor 6.</exception>
    public readonly IPAddress ToIPAddress()
    {
        ReadOnlySpan<byte> bytes = Address;
        return IpVersion switch
        {
            4 => new IPAddress(bytes[..4]),
            6 => new IPAddress(bytes),
            _ => throw new RecordFormatException($"nerf_node_address.ip_version is {IpVersion}; expected 4 or 6."),
        };
    }
}
