using NerfEngine.Sensor.Capture.Native;

namespace NerfEngine.Sensor.Capture.AfPacket;

/// <summary>
/// Geometry of one TPACKET_V3 receive ring (<c>struct tpacket_req3</c>). Defaults are the shipped
/// values from the spec: 64 blocks of 1 MiB, frame size 2048, blocks retired after 60 ms.
/// </summary>
public sealed record AfPacketRingOptions
{
    /// <summary>1 MiB per block: big enough that a block holds hundreds of frames, so one poll wakes per many packets.</summary>
    public const int DefaultBlockSize = 1 << 20;

    /// <summary>64 blocks: 64 MiB per ring.</summary>
    public const int DefaultBlockCount = 64;

    /// <summary>2048: the nominal frame size used for tp_frame_nr (V3 packs variable-size frames).</summary>
    public const int DefaultFrameSize = 2048;

    /// <summary>60 ms: a partly filled block reaches user space at most this long after its first packet.</summary>
    public const int DefaultRetireTimeoutMs = 60;

    /// <summary>When the kernel has no memory for the ring, halve the block count down to this floor before giving up.</summary>
    public const int DefaultMinimumBlockCount = 4;

    /// <summary>TPACKET3_HDRLEN: TPACKET_ALIGN(sizeof(struct tpacket3_hdr)) + sizeof(struct sockaddr_ll).</summary>
    public const int MinimumFrameSize = 48 + 20;

    /// <summary>tp_block_size; a multiple of the page size.</summary>
    public int BlockSize { get; init; } = DefaultBlockSize;

    /// <summary>tp_block_nr.</summary>
    public int BlockCount { get; init; } = DefaultBlockCount;

    /// <summary>tp_frame_size; a multiple of 16, at least <see cref="MinimumFrameSize"/>, at most <see cref="BlockSize"/>.</summary>
    public int FrameSize { get; init; } = DefaultFrameSize;

    /// <summary>tp_retire_blk_tov in milliseconds (1 … 65535; the kernel keeps 16 bits).</summary>
    public int RetireTimeoutMs { get; init; } = DefaultRetireTimeoutMs;

    /// <summary>Floor for the ENOMEM retry; at most <see cref="BlockCount"/> (a smaller ring request uses its own count as floor).</summary>
    public int MinimumBlockCount { get; init; } = DefaultMinimumBlockCount;

    /// <summary>The shipped defaults.</summary>
    public static AfPacketRingOptions Default { get; } = new();

    /// <summary>Rejects a geometry the kernel would refuse, with the reason, before any system call.</summary>
    public void Validate(string interfaceName)
    {
        int page = Environment.SystemPageSize;
        string? problem = null;
        if (BlockSize <= 0 || BlockSize % page != 0)
        {
            problem = $"block size {BlockSize} must be a positive multiple of the page size {page}";
        }
        else if (FrameSize < MinimumFrameSize || FrameSize % PacketSocketOptions.TPacketAlignment != 0)
        {
            problem = $"frame size {FrameSize} must be a multiple of {PacketSocketOptions.TPacketAlignment} and at least {MinimumFrameSize}";
        }
        else if (FrameSize > BlockSize)
        {
            problem = $"frame size {FrameSize} is larger than the block size {BlockSize}";
        }
        else if (BlockCount <= 0)
        {
            problem = $"block count {BlockCount} must be positive";
        }
        else if ((long)BlockSize * BlockCount > uint.MaxValue)
        {
            problem = $"{BlockCount} blocks of {BlockSize} bytes exceed the 4 GiB a ring can map";
        }
        else if (RetireTimeoutMs is <= 0 or > ushort.MaxValue)
        {
            problem = $"retire timeout {RetireTimeoutMs} ms must be between 1 and {ushort.MaxValue}";
        }
        else if (MinimumBlockCount <= 0)
        {
            problem = $"minimum block count {MinimumBlockCount} must be positive";
        }
        if (problem is not null)
        {
            throw new CaptureException(CaptureFailure.RingRefused, $"ring refused on '{interfaceName}': {problem}", Errno.EINVAL);
        }
    }
}
