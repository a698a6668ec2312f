namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// The XDP program's per-CPU counters summed over CPUs (<c>enum nerf_xdp_counter</c>): what it saw, and every
/// record it could not deliver. The BPF ring buffer reports no loss of its own, so the program counts each
/// failed <c>bpf_ringbuf_reserve</c> (<see cref="EdgeRingFull"/>, <see cref="FlowRingFull"/>).
/// </summary>
/// <param name="Packets">Frames the program ran on.</param>
/// <param name="IpPackets">IPv4/IPv6 frames counted into flows.</param>
/// <param name="NonIp">Well-formed frames carrying something other than IP.</param>
/// <param name="ParseErrors">Truncated or malformed frames.</param>
/// <param name="Fragments">IP fragments among the IP packets.</param>
/// <param name="IpBytes">IP bytes of the IP packets.</param>
/// <param name="FlowsCreated">Flows inserted into the kernel flow table.</param>
/// <param name="FlowTableFailures">Packets of flows that could not be inserted.</param>
/// <param name="AggregateFailures">Packets missing from edge aggregates (insert failed).</param>
/// <param name="EdgeRingFull">OPEN/CLOSE records lost: the edge_events ring was full.</param>
/// <param name="FlowRingFull">Flow-end records lost: the flow_events ring was full.</param>
public sealed record XdpKernelCounters(
    long Packets,
    long IpPackets,
    long NonIp,
    long ParseErrors,
    long Fragments,
    long IpBytes,
    long FlowsCreated,
    long FlowTableFailures,
    long AggregateFailures,
    long EdgeRingFull,
    long FlowRingFull)
{
    /// <summary>Nothing counted yet.</summary>
    public static XdpKernelCounters Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Ring reservations that failed (records lost in the kernel).</summary>
    public long RingReserveFailures => EdgeRingFull + FlowRingFull;

    /// <summary>Everything the kernel could not deliver: lost ring records and failed map inserts.</summary>
    public long Lost => EdgeRingFull + FlowRingFull + FlowTableFailures + AggregateFailures;

    /// <summary>Sums the per-CPU slots a lookup of the per-CPU array returned.</summary>
    internal static XdpKernelCounters Sum(ReadOnlySpan<XdpCountersNative> perCpu)
    {
        Span<long> total = stackalloc long[XdpCountersNative.Count];
        foreach (ref readonly XdpCountersNative cpu in perCpu)
        {
            for (int i = 0; i < XdpCountersNative.Count; i++)
            {
                total[i] += (long)cpu.Value[i];
            }
        }
        return new XdpKernelCounters(
            total[(int)XdpCounter.Packets], total[(int)XdpCounter.IpPackets], total[(int)XdpCounter.NonIp],
            total[(int)XdpCounter.ParseErrors], total[(int)XdpCounter.Fragments], total[(int)XdpCounter.IpBytes],
            total[(int)XdpCounter.FlowsCreated], total[(int)XdpCounter.FlowTableFailures], total[(int)XdpCounter.AggregateFailures],
            total[(int)XdpCounter.EdgeRingFull], total[(int)XdpCounter.FlowRingFull]);
    }
}
