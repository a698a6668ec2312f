using System.Runtime.InteropServices;

namespace NerfEngine.Shared.Messages.Records;

/// <summary>
/// Maps a node id back to the address it was hashed from, for the node directory and
/// <c>EdgeBatch.node_addresses</c>. Mirrors <c>struct nerf_node_address</c> in
/// bpf/nerf_records.h (32 bytes); the layout test checks it field by field against the header.
/// </summary>
/// <remarks>
/// Equality is bytewise over all 32 bytes: the struct has no padding, and the inline arrays
/// cannot use the runtime's built-in <see cref="ValueType.Equals(object)"/>.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public partial struct NodeAddress : IEquatable<NodeAddress>
{
    /// <summary>Record size in bytes (sizeof(struct nerf_node_address)).</summary>
    public const int Size = 32;

    /// <summary>Offset 0. FNV-1a 64 of the 4 or 16 address bytes (<see cref="Hashing.Fnv1a64.NodeId"/>).</summary>
    public ulong NodeId;

    /// <summary>Offset 8. Raw address bytes, network order; IPv4 in the first 4, the rest zero.</summary>
    public AddressBytes Address;

    /// <summary>Offset 24. 4 or 6.</summary>
    public byte IpVersion;

    /// <summary>Offset 25. Zero when written; ignored by readers.</summary>
    public NodeAddressReserved Reserved;

    /// <inheritdoc />
    public readonly bool Equals(NodeAddress other) =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<NodeAddress>(in this))
            .SequenceEqual(MemoryMarshal.AsBytes(new ReadOnlySpan<NodeAddress>(in other)));

    /// <inheritdoc />
    public override readonly bool Equals(object? obj) => obj is NodeAddress other && Equals(other);

    /// <inheritdoc />
    public override readonly int GetHashCode() => NodeId.GetHashCode();

    /// <summary>Bytewise equality.</summary>
    public static bool operator ==(NodeAddress left, NodeAddress right) => left.Equals(right);

    /// <summary>Bytewise inequality.</summary>
    public static bool operator !=(NodeAddress left, NodeAddress right) => !left.Equals(right);

    /// <summary>"node:0x… address" for logs and people; never throws, even on a malformed record.</summary>
    public override readonly string ToString() =>
        IpVersion is 4 or 6 ? $"node:0x{NodeId:x16} {ToIPAddress()}" : $"node:0x{NodeId:x16} (ip_version {IpVersion})";
}
