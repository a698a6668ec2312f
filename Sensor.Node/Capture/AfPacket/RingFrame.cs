using NerfEngine.Sensor.Capture.Native;

namespace NerfEngine.Sensor.Capture.AfPacket;

/// <summary>
/// One frame inside a ring block, as <c>struct tpacket3_hdr</c> describes it. <see cref="Data"/> points
/// into the ring: it is valid only during <see cref="IRingFrameHandler.OnFrame"/>, after which the block
/// goes back to the kernel; a ref struct so it cannot be kept by accident.
/// </summary>
public readonly ref struct RingFrame
{
    internal RingFrame(ReadOnlySpan<byte> data, int originalLength, long timestampNanoseconds, ushort vlanTci, uint status)
    {
        Data = data;
        OriginalLength = originalLength;
        TimestampNanoseconds = timestampNanoseconds;
        VlanTci = vlanTci;
        Status = status;
    }

    /// <summary>The captured bytes from the link-layer header on (tp_mac … tp_mac + tp_snaplen).</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>tp_len: the frame's length on the wire.</summary>
    public int OriginalLength { get; }

    /// <summary>tp_sec and tp_nsec as Unix epoch nanoseconds.</summary>
    public long TimestampNanoseconds { get; }

    /// <summary>hv1.tp_vlan_tci: meaningful only when <see cref="HasVlan"/>.</summary>
    public ushort VlanTci { get; }

    /// <summary>tp_status bits.</summary>
    public uint Status { get; }

    /// <summary>TP_STATUS_VLAN_VALID: the driver stripped a VLAN tag and left it in <see cref="VlanTci"/>.</summary>
    public bool HasVlan => (Status & TPacketStatus.VlanValid) != 0;
}

/// <summary>
/// Receives the frames of a block walk. Implement it on a struct and pass it by reference so the walk is
/// specialised for it (as Kestrel's parser does with its handlers); it must copy out what it keeps.
/// </summary>
public interface IRingFrameHandler
{
    void OnFrame(in RingFrame frame);
}
