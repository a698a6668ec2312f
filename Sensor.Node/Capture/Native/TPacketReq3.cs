using System.Runtime.InteropServices;

namespace NerfEngine.Sensor.Capture.Native;

/// <summary>Mirrors <c>struct tpacket_req3</c> (linux/if_packet.h): the PACKET_RX_RING request for TPACKET_V3.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TPacketReq3
{
    /// <summary>tp_block_size: bytes per block; a multiple of the page size.</summary>
    public uint BlockSize;

    /// <summary>tp_block_nr.</summary>
    public uint BlockCount;

    /// <summary>tp_frame_size: a multiple of TPACKET_ALIGNMENT; V3 frames are variable, this only sizes tp_frame_nr.</summary>
    public uint FrameSize;

    /// <summary>tp_frame_nr: must equal (BlockSize / FrameSize) × BlockCount.</summary>
    public uint FrameCount;

    /// <summary>tp_retire_blk_tov: milliseconds after which a partly filled block is handed to user space.</summary>
    public uint RetireBlockTimeoutMs;

    /// <summary>tp_sizeof_priv: per-block private area; unused (0).</summary>
    public uint SizeOfPrivate;

    /// <summary>tp_feature_req_word: 0, or TP_FT_REQ_FILL_RXHASH.</summary>
    public uint FeatureRequestWord;
}
