using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Publishing;

namespace NerfEngine.Sensor.Pipeline;

/// <summary>A replay's state while it runs, for progress displays.</summary>
/// <param name="PacketsRead">Records read from the file.</param>
/// <param name="FilePosition">File offset of the latest record (progress by bytes).</param>
/// <param name="FileLength">File size in bytes.</param>
/// <param name="ParseErrors">Frames counted as parse errors.</param>
/// <param name="Flows">Flow tracker counters.</param>
/// <param name="Publishing">Batching and publishing counters.</param>
public sealed record ReplayProgress(
    long PacketsRead,
    long FilePosition,
    long FileLength,
    long ParseErrors,
    FlowTrackerStats Flows,
    PublishingStats Publishing)
{
    /// <summary>Fraction of the file read, 0 to 1.</summary>
    public double Fraction => FileLength <= 0 ? 1 : Math.Clamp((double)FilePosition / FileLength, 0, 1);
}
