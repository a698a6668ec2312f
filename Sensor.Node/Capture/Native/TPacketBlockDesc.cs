using System.Runtime.InteropServices;

namespace NerfEngine.Sensor.Capture.Native;

/// <summary>
/// Mirrors <c>struct tpacket_block_desc</c> with its <c>struct tpacket_hdr_v1</c> (linux/if_packet.h): the
/// header at the start of every TPACKET_V3 block. Only <see cref="BlockStatus"/> is shared state: read
/// it with Volatile.Read before trusting the rest, write TP_STATUS_KERNEL back with Volatile.Write.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TPacketBlockDesc
{
    /// <summary>Byte offset of block_status, for the volatile accesses.</summary>
    public const int BlockStatusOffset = 8;

    /// <summary>version.</summary>
    public uint Version;

    /// <summary>offset_to_priv.</summary>
    public uint OffsetToPrivate;

    /// <summary>hdr.bh1.block_status: TP_STATUS_KERNEL or TP_STATUS_USER (plus TP_STATUS_BLK_TMO, TP_STATUS_LOSING).</summary>
    public uint BlockStatus;

    /// <summary>hdr.bh1.num_pkts.</summary>
    public uint PacketCount;

    /// <summary>hdr.bh1.offset_to_first_pkt, from the start of the block.</summary>
    public uint OffsetToFirstPacket;

    /// <summary>hdr.bh1.blk_len: valid bytes in the block, padding included.</summary>
    public uint BlockLength;

    /// <summary>hdr.bh1.seq_num: increments per block the kernel hands over.</summary>
    public ulong SequenceNumber;

    /// <summary>hdr.bh1.ts_first_pkt.ts_sec.</summary>
    public uint FirstPacketSeconds;

    /// <summary>hdr.bh1.ts_first_pkt.ts_nsec.</summary>
    public uint FirstPacketNanoseconds;

    /// <summary>hdr.bh1.ts_last_pkt.ts_sec.</summary>
    public uint LastPacketSeconds;

    /// <summary>hdr.bh1.ts_last_pkt.ts_nsec.</summary>
    public uint LastPacketNanoseconds;
}
