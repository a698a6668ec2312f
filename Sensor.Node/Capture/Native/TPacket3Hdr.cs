using System.Runtime.InteropServices;

namespace NerfEngine.Sensor.Capture.Native;

/// <summary>
/// Mirrors <c>struct tpacket3_hdr</c> with its <c>tpacket_hdr_variant1</c> union member (linux/if_packet.h):
/// the header of every frame in a TPACKET_V3 block. Frames chain through <see cref="NextOffset"/>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct TPacket3Hdr
{
    /// <summary>tp_next_offset: bytes from this header to the next one in the block (0 on the last).</summary>
    public uint NextOffset;

    /// <summary>tp_sec.</summary>
    public uint Seconds;

    /// <summary>tp_nsec.</summary>
    public uint Nanoseconds;

    /// <summary>tp_snaplen: bytes of the frame present in the ring.</summary>
    public uint SnapLength;

    /// <summary>tp_len: bytes the frame had on the wire.</summary>
    public uint Length;

    /// <summary>tp_status: TP_STATUS_* bits for this frame (TP_STATUS_VLAN_VALID, TP_STATUS_LOSING …).</summary>
    public uint Status;

    /// <summary>tp_mac: offset of the link-layer header from this header.</summary>
    public ushort MacOffset;

    /// <summary>tp_net: offset of the network header from this header.</summary>
    public ushort NetOffset;

    /// <summary>hv1.tp_rxhash: filled only with TP_FT_REQ_FILL_RXHASH.</summary>
    public uint RxHash;

    /// <summary>hv1.tp_vlan_tci: the stripped VLAN tag when TP_STATUS_VLAN_VALID is set.</summary>
    public uint VlanTci;

    /// <summary>hv1.tp_vlan_tpid: valid with TP_STATUS_VLAN_TPID_VALID.</summary>
    public ushort VlanTpid;

    /// <summary>hv1.tp_padding.</summary>
    public ushort VariantPadding;

    /// <summary>tp_padding[8].</summary>
    public fixed byte Padding[8];
}
