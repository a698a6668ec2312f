namespace NerfEngine.Sensor.Pipeline;

/// <summary>
/// The statistics every capture engine reports (SPEC §2), whatever its source: AF_PACKET ring, XDP,
/// or a replayed file. Engines without a kernel side report zero kernel drops and freeze-queue count.
/// </summary>
/// <param name="PacketsCaptured">Frames the engine received (read from the ring, map or file).</param>
/// <param name="EventsEmitted">Graph-edge records produced from them.</param>
/// <param name="ParseErrors">Frames counted as parse errors (truncated or malformed).</param>
/// <param name="KernelDrops">Packets the kernel dropped before the engine saw them (PACKET_STATISTICS tp_drops).</param>
/// <param name="FreezeQueueCount">Times the ring's blocks were all in use (TPACKET_V3 tp_freeze_q_cnt).</param>
/// <param name="LastError">The latest error the engine hit and carried on from, or null.</param>
public sealed record CaptureStats(
    long PacketsCaptured,
    long EventsEmitted,
    long ParseErrors,
    long KernelDrops,
    long FreezeQueueCount,
    string? LastError)
{
    /// <summary>An engine that has not captured anything yet.</summary>
    public static CaptureStats Empty { get; } = new(0, 0, 0, 0, 0, null);
}
