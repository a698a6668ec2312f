namespace NerfEngine.Shared.Fabric.Streams;

/// <summary>The delay before a restart, as a pure function so it is tested without any clock.</summary>
public static class BackoffSchedule
{
    /// <summary>
    /// Delay before the <paramref name="restart"/>-th consecutive restart (1-based):
    /// <c>min(MaxBackoff, MinBackoff × Factor^(restart−1)) × (1 + jitter × RandomFactor)</c>,
    /// where <paramref name="jitter"/> is a sample in [0, 1).
    /// </summary>
    public static TimeSpan Delay(RestartSettings settings, int restart, double jitter)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(restart, 1);
        // Computed in double ticks and capped before converting, so a large exponent cannot overflow.
        double ticks = settings.MinBackoff.Ticks * Math.Pow(settings.Factor, restart - 1);
        double capped = Math.Min(ticks, settings.MaxBackoff.Ticks);
        double jittered = capped * (1.0 + (Math.Clamp(jitter, 0.0, 1.0) * settings.RandomFactor));
        return TimeSpan.FromTicks((long)Math.Min(jittered, TimeSpan.MaxValue.Ticks / 2));
    }
}
