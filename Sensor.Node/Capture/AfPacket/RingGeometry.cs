namespace NerfEngine.Sensor.Capture.AfPacket;

/// <summary>The ring the kernel actually granted; fewer blocks than asked when memory was short.</summary>
/// <param name="BlockSize">tp_block_size.</param>
/// <param name="BlockCount">tp_block_nr obtained.</param>
/// <param name="FrameSize">tp_frame_size.</param>
/// <param name="RequestedBlockCount">tp_block_nr asked for.</param>
/// <param name="RetireTimeoutMs">tp_retire_blk_tov.</param>
public readonly record struct RingGeometry(int BlockSize, int BlockCount, int FrameSize, int RequestedBlockCount, int RetireTimeoutMs)
{
    /// <summary>True when the kernel could only give a smaller ring (ENOMEM retries).</summary>
    public bool IsReduced => BlockCount < RequestedBlockCount;

    /// <summary>Bytes mapped for the ring.</summary>
    public long TotalBytes => (long)BlockSize * BlockCount;

    /// <summary>tp_frame_nr for this geometry.</summary>
    public int FrameCount => BlockSize / FrameSize * BlockCount;

    public override string ToString() =>
        $"{BlockCount} × {BlockSize / 1024} KiB blocks ({TotalBytes / (1024 * 1024.0):0.#} MiB), frame {FrameSize}, retire {RetireTimeoutMs} ms"
        + (IsReduced ? $"; reduced from {RequestedBlockCount} blocks" : "");
}
