namespace NerfEngine.Control.Autonomy.Execution;

/// <summary>
/// Whether the executor is serving or recovering, written by the executor (recovered) and its supervisor's decider
/// (failed), read by the supervisor to answer asks at once while the executor is down and by the /ready check.
/// Thread-safe: one immutable snapshot swapped atomically.
/// </summary>
public sealed class ExecutorAvailability(TimeProvider time)
{
    private Snapshot _current = new(false, "starting: recovering from the journal", time.GetUtcNow(), null, 0);

    /// <summary>The latest state.</summary>
    public Snapshot Current => Volatile.Read(ref _current);

    /// <summary>The executor failed; it is restarting (with backoff) and will recover from the journal.</summary>
    public void MarkRecovering(string reason)
    {
        var before = Current;
        Volatile.Write(ref _current, new Snapshot(false, reason, time.GetUtcNow(), before.SequenceNr, before.Failures + 1));
    }

    /// <summary>The executor recovered its state up to <paramref name="sequenceNr"/> and accepts commands.</summary>
    public void MarkAvailable(long sequenceNr)
    {
        var before = Current;
        Volatile.Write(ref _current, new Snapshot(true, "serving", time.GetUtcNow(), sequenceNr, before.Failures));
    }

    /// <summary>One state: <paramref name="Failures"/> counts failures since start (a restart loop shows as a climbing count).</summary>
    public sealed record Snapshot(bool IsAvailable, string Reason, DateTimeOffset Since, long? SequenceNr, long Failures);
}
