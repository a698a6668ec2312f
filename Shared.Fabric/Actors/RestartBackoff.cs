namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// Exponential delay before a restart: <c>Min × Factor^n</c> for the n-th restart in the current
/// window (n from 0), capped at <c>Max</c>. A crash-looping actor thus backs off instead of spinning.
/// </summary>
public sealed record RestartBackoff
{
    /// <summary>Creates a backoff; <paramref name="factor"/> of 1 gives a constant delay.</summary>
    public RestartBackoff(TimeSpan min, TimeSpan max, double factor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(min, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        if (!(factor >= 1.0) || double.IsInfinity(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The backoff factor must be a finite number ≥ 1.");
        }

        Min = min;
        Max = max;
        Factor = factor;
    }

    /// <summary>Default: 100 ms, doubling, at most 10 s.</summary>
    public static RestartBackoff Default { get; } = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), 2.0);

    /// <summary>Restart at once; for actors whose failures are cheap and rare.</summary>
    public static RestartBackoff None { get; } = new(TimeSpan.Zero, TimeSpan.Zero, 1.0);

    /// <summary>Delay of the first restart in a window.</summary>
    public TimeSpan Min { get; }

    /// <summary>Upper bound of any delay.</summary>
    public TimeSpan Max { get; }

    /// <summary>Growth per restart.</summary>
    public double Factor { get; }

    /// <summary>Delay before restart number <paramref name="attempt"/> (0-based) of the current window.</summary>
    public TimeSpan DelayFor(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var ticks = Min.Ticks * Math.Pow(Factor, attempt);
        return ticks >= Max.Ticks ? Max : TimeSpan.FromTicks((long)ticks);
    }
}
