using System.Runtime.InteropServices;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// Value of the <c>flows</c> LRU hash: mirrors <c>struct nerf_flow_state</c> in bpf/xdp_edges.h (104 bytes).
/// Forward is originator → responder; times are <c>bpf_ktime_get_ns()</c> (CLOCK_MONOTONIC).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct XdpFlowState
{
    /// <summary>Bytes in the C struct.</summary>
    public const int Size = 104;

    /// <summary>NERF_FLOW_ORIGINATOR_IS_B.</summary>
    public const uint OriginatorIsB = 1u << 0;

    public ulong SrcNode;
    public ulong DstNode;
    public ulong EdgeHash;
    public ulong FirstNs;
    public ulong LastNs;
    public ulong PacketsFwd;
    public ulong PacketsRev;
    public ulong BytesFwd;
    public ulong BytesRev;

    /// <summary>IP bytes of the first packet, which the OPEN record reported.</summary>
    public uint OpenBytes;

    /// <summary>NERF_FLOW_* bits.</summary>
    public uint State;
    public uint FlagsFwd;
    public uint FlagsRev;

    /// <summary>OR of TCP flags after the first packet (the CLOSE record's flags).</summary>
    public uint PendingFlags;
    public ushort SrcPort;
    public ushort DstPort;
    public byte Protocol;
    public byte IpVersion;
    public ushort Reserved16;
    public uint Reserved32;

    /// <summary>True when side A of the key started the flow.</summary>
    public readonly bool OriginatorIsA => (State & OriginatorIsB) == 0;

    /// <summary>Packets both ways.</summary>
    public readonly ulong Packets => PacketsFwd + PacketsRev;

    /// <summary>IP bytes both ways.</summary>
    public readonly ulong Bytes => BytesFwd + BytesRev;
}
