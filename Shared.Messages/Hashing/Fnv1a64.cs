using System.Buffers.Binary;

namespace NerfEngine.Shared.Messages.Hashing;

/// <summary>
/// 64-bit FNV-1a, the one hash of node ids and edge hashes. Same function as
/// <c>nerf_fnv1a64</c>, <c>nerf_node_id</c> and <c>nerf_edge_hash</c> in bpf/nerf_records.h, so a
/// node id computed in the kernel equals one computed here; tests assert C == C# == the published
/// FNV test vectors. Span-based and allocation-free for the per-packet path.
/// </summary>
public static class Fnv1a64
{
    /// <summary>FNV-1a 64 offset basis (NERF_FNV1A64_OFFSET_BASIS).</summary>
    public const ulong OffsetBasis = 0xcbf29ce484222325UL;

    /// <summary>FNV-1a 64 prime (NERF_FNV1A64_PRIME).</summary>
    public const ulong Prime = 0x100000001b3UL;

    /// <summary>Length of the edge-hash key: 8 bytes node id, 2 bytes port, 1 byte protocol.</summary>
    public const int EdgeHashKeyLength = 11;

    /// <summary>FNV-1a 64 of <paramref name="data"/>.</summary>
    public static ulong Hash(ReadOnlySpan<byte> data) => Append(OffsetBasis, data);

    /// <summary>Continues a hash with more bytes, so a key can be hashed in pieces without a buffer.</summary>
    public static ulong Append(ulong hash, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }

    /// <summary>
    /// Node id of an IP address: FNV-1a 64 over its raw bytes in network order, as on the wire
    /// (4 bytes IPv4, 16 bytes IPv6). Matches <c>nerf_node_id</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The span is neither 4 nor 16 bytes long.</exception>
    public static ulong NodeId(ReadOnlySpan<byte> address)
    {
        if (address.Length is not (4 or 16))
        {
            throw new ArgumentException(
                $"An address has 4 (IPv4) or 16 (IPv6) bytes, not {address.Length}.", nameof(address));
        }

        return Hash(address);
    }

    /// <summary>
    /// Edge hash: the structure of an edge without its source (destination + port + protocol),
    /// the key the GraphAttractorDetector and the XDP edge_agg map group by. FNV-1a 64 over 11
    /// bytes: <paramref name="dstNode"/> little-endian, <paramref name="dstPort"/> (host-order
    /// value) little-endian, <paramref name="protocol"/>. Matches <c>nerf_edge_hash</c>.
    /// </summary>
    public static ulong EdgeHash(ulong dstNode, ushort dstPort, byte protocol)
    {
        Span<byte> key = stackalloc byte[EdgeHashKeyLength];
        BinaryPrimitives.WriteUInt64LittleEndian(key, dstNode);
        BinaryPrimitives.WriteUInt16LittleEndian(key[8..], dstPort);
        key[10] = protocol;
        return Hash(key);
    }
}
