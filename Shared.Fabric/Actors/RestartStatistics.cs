namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// Counts one child's restarts inside the strategy's window and turns the count into a backoff.
/// Kept apart from the cell so the limit and backoff arithmetic is testable on its own.
/// </summary>
internal sealed class RestartStatistics
{
    /// <summary>Restarts granted since <see cref="_windowStart"/>.</summary>
    private int _restartsInWindow;

    /// <summary>Timestamp (TimeProvider ticks) of the first restart of the current window; null before any restart.</summary>
    private long? _windowStart;

    /// <summary>
    /// Records a restart request at the provider's current time. Returns false when the limit is
    /// exceeded (the child must stop); otherwise the delay to wait before the new incarnation starts.
    /// </summary>
    public bool TryRecordRestart(SupervisorStrategy strategy, TimeProvider time, out TimeSpan backoff)
    {
        var now = time.GetTimestamp();
        if (_windowStart is not { } start || time.GetElapsedTime(start, now) > strategy.Window)
        {
            _windowStart = now;
            _restartsInWindow = 0;
        }

        if (strategy.MaxRestarts is { } max && _restartsInWindow >= max)
        {
            backoff = TimeSpan.Zero;
            return false;
        }

        backoff = strategy.Backoff.DelayFor(_restartsInWindow);
        _restartsInWindow++;
        return true;
    }
}
