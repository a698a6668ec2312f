using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>Slots of the per-CPU <c>counters</c> array: mirrors <c>enum nerf_xdp_counter</c> in bpf/xdp_edges.h.</summary>
internal enum XdpCounter
{
    Packets = 0,
    IpPackets = 1,
    NonIp = 2,
    ParseErrors = 3,
    Fragments = 4,
    IpBytes = 5,
    FlowsCreated = 6,
    FlowTableFailures = 7,
    AggregateFailures = 8,
    EdgeRingFull = 9,
    FlowRingFull = 10,
}

/// <summary>One CPU's slot of the <c>counters</c> array: mirrors <c>struct nerf_xdp_counters</c> (88 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct XdpCountersNative
{
    /// <summary>Counters in the C struct (NERF_XDP_COUNTER_COUNT).</summary>
    public const int Count = 11;

    /// <summary>Bytes in the C struct.</summary>
    public const int Size = Count * sizeof(ulong);

    /// <summary>Offset 0. Indexed by <see cref="XdpCounter"/>.</summary>
    public CounterValues Value;

    [InlineArray(Count)]
    public struct CounterValues
    {
        private ulong _element0;
    }
}
