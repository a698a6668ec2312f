using System.Runtime.InteropServices;

namespace NerfEngine.Shared.Messages.Records;

/// <summary>
/// One observation of "source talks to destination": the 56-byte record that sensors emit and
/// detectors consume. Mirrors <c>struct nerf_graph_edge</c> in bpf/nerf_records.h field by field
/// (the layout test regenerates offsets from the header); see the header for the semantics.
/// </summary>
/// <remarks>
/// Public fields, not properties, because the layout is a contract: the struct is blittable,
/// naturally aligned and padding-free, so <see cref="Codecs.GraphEdgeCodec"/> can copy arrays of
/// it to and from the wire without touching fields. Packets and bytes are deltas since the
/// previous record of the same flow or edge (<see cref="EdgeKind"/>), so totals are sums.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public record struct GraphEdge
{
    /// <summary>Record size in bytes (sizeof(struct nerf_graph_edge)).</summary>
    public const int Size = 56;

    /// <summary>Offset 0. Unix epoch nanoseconds (UTC); for aggregates, the window's last packet.</summary>
    public ulong TimestampNs;

    /// <summary>Offset 8. Node id (FNV-1a 64 of the address bytes) of the source.</summary>
    public ulong SrcNode;

    /// <summary>Offset 16. Node id of the destination.</summary>
    public ulong DstNode;

    /// <summary>Offset 24. <see cref="Hashing.Fnv1a64.EdgeHash"/> of (DstNode, DstPort, Protocol).</summary>
    public ulong EdgeHash;

    /// <summary>Offset 32. Packets since the previous record of this flow/edge.</summary>
    public uint Packets;

    /// <summary>Offset 36. IP bytes (IP header + payload) since the previous record of this flow/edge.</summary>
    public uint Bytes;

    /// <summary>Offset 40. Milliseconds from the flow's first packet to this record's last packet.</summary>
    public uint DurationMs;

    /// <summary>Offset 44. Source port, host byte order; 0 when the protocol has none.</summary>
    public ushort SrcPort;

    /// <summary>Offset 46. Destination port, host byte order; 0 when the protocol has none.</summary>
    public ushort DstPort;

    /// <summary>Offset 48. Id of the sensor that produced the record.</summary>
    public ushort SensorId;

    /// <summary>Offset 50. IANA protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6).</summary>
    public byte Protocol;

    /// <summary>Offset 51. What the counters are relative to.</summary>
    public EdgeKind Kind;

    /// <summary>Offset 52. OR of the TCP flags of the counted packets; 0 for non-TCP.</summary>
    public byte TcpFlags;

    /// <summary>Offset 53. 4 or 6.</summary>
    public byte IpVersion;

    /// <summary>Offset 54. Zero when written; ignored when read.</summary>
    public ushort Reserved;
}
