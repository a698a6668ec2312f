namespace NerfEngine.Sensor.Capture.Native;

/// <summary>SOL_PACKET option names and TPACKET constants, as in <c>linux/if_packet.h</c>.</summary>
internal static class PacketSocketOptions
{
    /// <summary>PACKET_RX_RING: set up the receive ring (struct tpacket_req3 for TPACKET_V3).</summary>
    public const int RxRing = 5;

    /// <summary>PACKET_STATISTICS: struct tpacket_stats_v3; reading resets the kernel's counters.</summary>
    public const int Statistics = 6;

    /// <summary>PACKET_VERSION: an int from enum tpacket_versions.</summary>
    public const int Version = 10;

    /// <summary>PACKET_FANOUT: int = group id | (mode | flags) &lt;&lt; 16.</summary>
    public const int Fanout = 18;

    /// <summary>TPACKET_V3 in enum tpacket_versions.</summary>
    public const int TPacketV3 = 2;

    /// <summary>TPACKET_ALIGNMENT: frames and frame sizes are multiples of 16.</summary>
    public const int TPacketAlignment = 16;
}

/// <summary>Bits of tpacket3_hdr.tp_status and tpacket_hdr_v1.block_status (<c>linux/if_packet.h</c>).</summary>
internal static class TPacketStatus
{
    /// <summary>TP_STATUS_KERNEL: the block belongs to the kernel.</summary>
    public const uint Kernel = 0;

    /// <summary>TP_STATUS_USER: the block is filled and belongs to user space until written back.</summary>
    public const uint User = 1 << 0;

    /// <summary>TP_STATUS_LOSING: the kernel dropped packets since the last PACKET_STATISTICS read.</summary>
    public const uint Losing = 1 << 2;

    /// <summary>TP_STATUS_VLAN_VALID: tp_vlan_tci holds a tag the NIC or driver stripped.</summary>
    public const uint VlanValid = 1 << 4;

    /// <summary>TP_STATUS_BLK_TMO: the block was retired by the timeout, not because it was full.</summary>
    public const uint BlockTimedOut = 1 << 5;
}

/// <summary>PACKET_FANOUT_* modes and flags (<c>linux/if_packet.h</c>).</summary>
internal static class PacketFanout
{
    public const int Hash = 0;
    public const int LoadBalance = 1;
    public const int Cpu = 2;
    public const int Rollover = 3;
    public const int QueueMapping = 5;

    /// <summary>PACKET_FANOUT_FLAG_ROLLOVER: move to another socket when the chosen one is full.</summary>
    public const int FlagRollover = 0x1000;

    /// <summary>PACKET_FANOUT_FLAG_DEFRAG: reassemble IP fragments before hashing, so all land on one socket.</summary>
    public const int FlagDefrag = 0x8000;
}
