namespace NerfEngine.Shared.Fabric.Streams;

/// <summary>
/// How a <see cref="RestartSource{T}"/> restarts a failing source: the n-th consecutive restart waits
/// <c>min(MaxBackoff, MinBackoff × Factor^(n−1))</c>, stretched by up to <c>RandomFactor</c> (0.2 = up
/// to +20 %) so that many sensors restarting at once do not hit the broker in step.
/// </summary>
/// <param name="MinBackoff">Delay before the first restart.</param>
/// <param name="MaxBackoff">Cap for the exponential delay (jitter may add to it).</param>
/// <param name="Factor">Growth per consecutive failure; at least 1.</param>
/// <param name="RandomFactor">Jitter as a fraction of the delay, 0 (none) to 1.</param>
/// <param name="MaxRestarts">Consecutive restarts allowed before giving up with <see cref="RestartLimitExceededException"/>.</param>
/// <param name="ResetAfter">
/// A run that stayed up at least this long before failing counts as healthy: the backoff and the
/// <see cref="MaxRestarts"/> budget start over. Null means never: the budget covers the source's lifetime.
/// </param>
public sealed record RestartSettings(
    TimeSpan MinBackoff,
    TimeSpan MaxBackoff,
    double Factor = 2.0,
    double RandomFactor = 0.0,
    int MaxRestarts = int.MaxValue,
    TimeSpan? ResetAfter = null)
{
    /// <summary>Throws when a field is out of range, so a bad configuration fails at start-up.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MinBackoff, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBackoff, MinBackoff);
        ArgumentOutOfRangeException.ThrowIfLessThan(Factor, 1.0);
        ArgumentOutOfRangeException.ThrowIfLessThan(RandomFactor, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RandomFactor, 1.0);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRestarts, 0);
        if (ResetAfter is { } resetAfter)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(resetAfter, TimeSpan.Zero, nameof(ResetAfter));
        }
    }
}
