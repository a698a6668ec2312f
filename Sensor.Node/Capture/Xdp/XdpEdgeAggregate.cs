using System.Runtime.InteropServices;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// Value of the <c>edge_agg_0</c>/<c>edge_agg_1</c> LRU hashes (keyed by the 64-bit edge hash): mirrors
/// <c>struct nerf_edge_agg</c> in bpf/xdp_edges.h (48 bytes). One edge's traffic since the last drain.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct XdpEdgeAggregate
{
    /// <summary>Bytes in the C struct.</summary>
    public const int Size = 48;

    public ulong Packets;
    public ulong Bytes;
    public ulong FirstNs;
    public ulong LastNs;
    public ulong DstNode;
    public uint TcpFlags;
    public ushort DstPort;
    public byte Protocol;
    public byte IpVersion;
}

/// <summary>The single entry of <c>agg_control</c>: mirrors <c>struct nerf_agg_control</c> (8 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct XdpAggControl
{
    /// <summary>Bytes in the C struct.</summary>
    public const int Size = 8;

    /// <summary>0: the program writes edge_agg_0; 1: edge_agg_1.</summary>
    public uint Active;
    public uint Reserved;
}
