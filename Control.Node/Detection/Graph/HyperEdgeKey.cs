using System.Globalization;
using NerfEngine.Control.Detection.Tables;

namespace NerfEngine.Control.Detection.Graph;

/// <summary>
/// Identity of a hypergraph edge: (source node, destination node, edge hash). The edge hash is
/// dst + port + protocol, so two services on one host are two edges. The id string
/// ("0x…-0x…-0x…") is what tools such as get_edge_by_id pass around; it is exact (no hashing),
/// so ids never collide.
/// </summary>
public readonly record struct HyperEdgeKey(ulong Src, ulong Dst, ulong EdgeHash)
{
    /// <summary>"0x{src:x16}-0x{dst:x16}-0x{edgeHash:x16}".</summary>
    public string Id => $"0x{Src:x16}-0x{Dst:x16}-0x{EdgeHash:x16}";

    /// <inheritdoc />
    public override string ToString() => Id;

    /// <summary>Parses an <see cref="Id"/>.</summary>
    public static bool TryParse(string? id, out HyperEdgeKey key)
    {
        key = default;
        string[] parts = (id ?? string.Empty).Split('-');
        if (parts.Length != 3)
        {
            return false;
        }

        Span<ulong> values = stackalloc ulong[3];
        for (int i = 0; i < 3; i++)
        {
            ReadOnlySpan<char> p = parts[i].AsSpan().Trim();
            if (p.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                p = p[2..];
            }

            if (!ulong.TryParse(p, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out values[i]))
            {
                return false;
            }
        }

        key = new HyperEdgeKey(values[0], values[1], values[2]);
        return true;
    }

    /// <inheritdoc />
    public bool Equals(HyperEdgeKey other) => Src == other.Src && Dst == other.Dst && EdgeHash == other.EdgeHash;

    /// <inheritdoc />
    public override int GetHashCode() => HashMix.Mix(Src, Dst, EdgeHash);
}
