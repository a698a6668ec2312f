using System.Runtime.InteropServices;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// A record of the <c>edge_events</c> ring buffer: mirrors <c>struct nerf_edge_event</c> in bpf/xdp_edges.h
/// (104 bytes). An OPEN or CLOSE GraphEdge as the kernel wrote it (monotonic timestamp, sensor id 0), the
/// exact 64-bit deltas (the edge's 32-bit counters saturate), and both addresses for the node directory.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct XdpEdgeEvent
{
    /// <summary>Bytes in the C struct.</summary>
    public const int Size = 104;

    /// <summary>Offset 0. The record; timestamp_ns is bpf_ktime_get_ns().</summary>
    public GraphEdge Edge;

    /// <summary>Offset 56. Originator's address, network order.</summary>
    public AddressBytes SrcAddr;

    /// <summary>Offset 72. Responder's address.</summary>
    public AddressBytes DstAddr;

    /// <summary>Offset 88. Exact packet delta.</summary>
    public ulong Packets;

    /// <summary>Offset 96. Exact IP byte delta.</summary>
    public ulong Bytes;
}

/// <summary>
/// A record of the <c>flow_events</c> ring buffer, and the shape flows drained from the table take: mirrors
/// <c>struct nerf_flow_end</c> in bpf/xdp_edges.h (160 bytes).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct XdpFlowEnd
{
    /// <summary>Bytes in the C struct.</summary>
    public const int Size = 160;

    /// <summary>Offset 0.</summary>
    public XdpFlowKey Key;

    /// <summary>Offset 48. The flow's final state.</summary>
    public XdpFlowState Flow;

    /// <summary>Offset 152. <see cref="XdpFlowEndReason"/>.</summary>
    public uint Reason;

    /// <summary>Offset 156. Zero.</summary>
    public uint Reserved;
}

/// <summary>Why a flow ended: mirrors <c>enum nerf_flow_end_reason</c>. The kernel ends flows on the first four; user space on the rest.</summary>
public enum XdpFlowEndReason : byte
{
    /// <summary>Not a valid reason (a zeroed record).</summary>
    None = 0,

    /// <summary>FIN seen from both sides.</summary>
    TcpFin = 1,

    /// <summary>RST.</summary>
    TcpRst = 2,

    /// <summary>The last fragment of a datagram's later fragments.</summary>
    FragmentComplete = 3,

    /// <summary>The presumed responder sent a SYN: the flow restarts with it as originator.</summary>
    Reoriented = 4,

    /// <summary>No packet for the idle timeout (found by the user-space sweep).</summary>
    IdleTimeout = 5,

    /// <summary>Still in the table when capture stopped.</summary>
    EndOfCapture = 6,
}
