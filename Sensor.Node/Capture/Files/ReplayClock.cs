namespace NerfEngine.Sensor.Capture.Files;

/// <summary>
/// Paces replayed records: the first record anchors recorded time to now, and each later record is
/// due when (its timestamp − the first's) ÷ factor has elapsed since. Pacing against the anchor, not
/// against the previous record, keeps small sleep overshoots from adding up over a long file.
/// </summary>
/// <remarks>
/// Time comes from a <see cref="TimeProvider"/> so tests control it. Records earlier than the anchor
/// (out-of-order files) are due at once. Belongs to one replay loop; not thread-safe.
/// </remarks>
public sealed class ReplayClock(ReplaySpeed speed, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private bool _anchored;
    private long _firstRecordNanoseconds;
    private long _anchorTimestamp;

    public ReplaySpeed Speed { get; } = speed;

    /// <summary>How long to wait before handing on a record with this timestamp; zero when it is due.</summary>
    public TimeSpan GetDelay(long recordTimestampNanoseconds)
    {
        if (Speed.IsMaximum)
        {
            return TimeSpan.Zero;
        }
        if (!_anchored)
        {
            _anchored = true;
            _firstRecordNanoseconds = recordTimestampNanoseconds;
            _anchorTimestamp = _time.GetTimestamp();
            return TimeSpan.Zero;
        }

        double recordedNanoseconds = recordTimestampNanoseconds - _firstRecordNanoseconds;
        if (recordedNanoseconds <= 0)
        {
            return TimeSpan.Zero;
        }
        var dueAfter = TimeSpan.FromTicks((long)Math.Min(recordedNanoseconds / 100 / Speed.Factor, TimeSpan.MaxValue.Ticks));
        TimeSpan delay = dueAfter - _time.GetElapsedTime(_anchorTimestamp);
        return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
    }

    /// <summary>Completes when a record with this timestamp is due (at once at maximum speed).</summary>
    public ValueTask WaitAsync(long recordTimestampNanoseconds, CancellationToken cancellationToken = default)
    {
        TimeSpan delay = GetDelay(recordTimestampNanoseconds);
        return delay == TimeSpan.Zero
            ? ValueTask.CompletedTask
            : new ValueTask(Task.Delay(delay, _time, cancellationToken));
    }
}
