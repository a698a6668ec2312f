namespace NerfEngine.Shared.Fabric.Actors.Testing;

/// <summary>
/// A clock that moves only when told. <see cref="Advance"/> fires due timers in due-time order, on the
/// calling thread, moving the clock to each timer's due time first, so tests are deterministic.
/// A zero-delay timer fires as it is created, like a real timer would "at once".
/// (Microsoft.Extensions.TimeProvider.Testing is not on our package feed.)
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();

    /// <summary>Armed timers; guarded by <see cref="_lock"/>.</summary>
    private readonly List<ManualTimer> _armed = [];

    /// <summary>Current time; guarded by <see cref="_lock"/>.</summary>
    private DateTimeOffset _utcNow;

    /// <summary>Orders timers due at the same instant by arming order; guarded by <see cref="_lock"/>.</summary>
    private long _armSequence;

    /// <summary>Starts at 2025-01-01T00:00Z.</summary>
    public ManualTimeProvider()
        : this(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Starts at <paramref name="start"/>.</summary>
    public ManualTimeProvider(DateTimeOffset start) => _utcNow = start;

    /// <summary>Timers currently armed (not yet fired single-shots, periodic ones, not disposed).</summary>
    public int ArmedTimerCount
    {
        get
        {
            lock (_lock)
            {
                return _armed.Count;
            }
        }
    }

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _utcNow;
        }
    }

    /// <inheritdoc />
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward by <paramref name="delta"/>, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_lock)
        {
            target = _utcNow + delta;
        }

        while (true)
        {
            ManualTimer? next = null;
            lock (_lock)
            {
                foreach (var timer in _armed)
                {
                    if (timer.Due <= target && (next is null || timer.Due < next.Due || (timer.Due == next.Due && timer.Sequence < next.Sequence)))
                    {
                        next = timer;
                    }
                }

                if (next is null)
                {
                    _utcNow = target;
                    return;
                }

                if (next.Due > _utcNow)
                {
                    _utcNow = next.Due;
                }

                if (next.Period > TimeSpan.Zero)
                {
                    next.Due += next.Period;
                    next.Sequence = ++_armSequence;
                }
                else
                {
                    _armed.Remove(next);
                }
            }

            next.Invoke();
        }
    }

    /// <summary>(Re)arms or disarms <paramref name="timer"/>; returns true when it must fire right away (zero due time).</summary>
    private bool Arm(ManualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            _armed.Remove(timer);
            if (timer.IsDisposed || dueTime == Timeout.InfiniteTimeSpan)
            {
                return false;
            }

            timer.Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            timer.Due = _utcNow + dueTime;
            timer.Sequence = ++_armSequence;
            if (dueTime > TimeSpan.Zero)
            {
                _armed.Add(timer);
                return false;
            }

            if (timer.Period > TimeSpan.Zero)
            {
                timer.Due += timer.Period;
                _armed.Add(timer);
            }

            return true;
        }
    }

    private void Disarm(ManualTimer timer)
    {
        lock (_lock)
        {
            timer.IsDisposed = true;
            _armed.Remove(timer);
        }
    }

    /// <summary>A timer of this provider; schedule fields are guarded by the provider's lock.</summary>
    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; set; }

        public TimeSpan Period { get; set; }

        public long Sequence { get; set; }

        public bool IsDisposed { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime < TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "Due time must be ≥ 0 or Timeout.InfiniteTimeSpan.");
            }

            if (period < TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(period), period, "Period must be ≥ 0 or Timeout.InfiniteTimeSpan.");
            }

            if (owner.Arm(this, dueTime, period))
            {
                Invoke();
            }

            return !IsDisposed;
        }

        public void Invoke() => callback(state);

        public void Dispose() => owner.Disarm(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
