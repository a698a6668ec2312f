namespace NerfEngine.Sensor.Capture.AfPacket;

/// <summary>
/// PACKET_STATISTICS (<c>struct tpacket_stats_v3</c>) accumulated over every read since the ring opened;
/// the kernel zeroes its counters on each read, so only sums are meaningful.
/// </summary>
/// <param name="Packets">tp_packets: packets the socket saw after its filter, drops included.</param>
/// <param name="Drops">tp_drops: packets lost because the ring had no free block.</param>
/// <param name="FreezeQueueCount">tp_freeze_q_cnt: times the ring filled up and the queue froze.</param>
public readonly record struct KernelPacketStatistics(long Packets, long Drops, long FreezeQueueCount)
{
    /// <summary>Packets that reached the ring.</summary>
    public long Delivered => Packets - Drops;

    public static KernelPacketStatistics operator +(KernelPacketStatistics a, KernelPacketStatistics b) =>
        new(a.Packets + b.Packets, a.Drops + b.Drops, a.FreezeQueueCount + b.FreezeQueueCount);
}
