using System.Runtime.InteropServices;

namespace NerfEngine.Sensor.Capture.Native;

/// <summary>
/// Mirrors <c>struct tpacket_stats_v3</c> (linux/if_packet.h), what PACKET_STATISTICS returns on a
/// TPACKET_V3 socket. The kernel zeroes its counters on every read, so readers must accumulate.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TPacketStatsV3
{
    /// <summary>tp_packets: packets received since the last read, drops included.</summary>
    public uint Packets;

    /// <summary>tp_drops: packets dropped because the ring (or socket buffer) was full.</summary>
    public uint Drops;

    /// <summary>tp_freeze_q_cnt: times the queue froze because no block was free.</summary>
    public uint FreezeQueueCount;
}
