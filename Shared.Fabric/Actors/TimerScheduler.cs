namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// Keyed timers that deliver a message to their actor through its mailbox, on the system's
/// <see cref="TimeProvider"/>. Starting a key again replaces its timer. A tick that was already queued when
/// its timer was cancelled or replaced is discarded, so after <see cref="Cancel"/> no message of that timer
/// is handled. Use only from the owning actor; all timers are cancelled on stop and restart.
/// </summary>
/// <typeparam name="TMessage">The owning actor's protocol.</typeparam>
public sealed class TimerScheduler<TMessage>
{
    private readonly ActorCell<TMessage> _owner;
    private readonly TimeProvider _time;

    /// <summary>Active timers by key; touched only on the owner's loop.</summary>
    private readonly Dictionary<object, Entry> _active = [];

    internal TimerScheduler(ActorCell<TMessage> owner, TimeProvider time)
    {
        _owner = owner;
        _time = time;
    }

    /// <summary>Delivers <paramref name="message"/> once after <paramref name="delay"/>.</summary>
    public void StartSingleTimer(object key, TMessage message, TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Start(key, message, delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Delivers <paramref name="message"/> every <paramref name="interval"/>, first after one interval.</summary>
    public void StartPeriodicTimer(object key, TMessage message, TimeSpan interval) =>
        StartPeriodicTimer(key, message, interval, interval);

    /// <summary>Delivers <paramref name="message"/> after <paramref name="initialDelay"/>, then every <paramref name="interval"/>.</summary>
    public void StartPeriodicTimer(object key, TMessage message, TimeSpan initialDelay, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initialDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        Start(key, message, initialDelay, interval);
    }

    /// <summary>True while the timer under <paramref name="key"/> may still deliver.</summary>
    public bool IsTimerActive(object key) => _active.ContainsKey(key);

    /// <summary>Cancels the timer under <paramref name="key"/>; harmless when there is none.</summary>
    public void Cancel(object key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_active.Remove(key, out var entry))
        {
            entry.Timer?.Dispose();
        }
    }

    /// <summary>Cancels every timer.</summary>
    public void CancelAll()
    {
        foreach (var entry in _active.Values)
        {
            entry.Timer?.Dispose();
        }

        _active.Clear();
    }

    /// <summary>
    /// Called by the loop when a tick is dequeued. False for a stale tick (cancelled or replaced timer);
    /// a single-shot timer becomes inactive here, when its message is handed to the actor.
    /// </summary>
    internal bool TryTake(Entry entry, out TMessage message)
    {
        if (!_active.TryGetValue(entry.Key, out var current) || !ReferenceEquals(current, entry))
        {
            message = default!;
            return false;
        }

        if (!entry.IsPeriodic)
        {
            _active.Remove(entry.Key);
            entry.Timer?.Dispose();
        }

        message = entry.Message;
        return true;
    }

    private void Start(object key, TMessage message, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(key);
        Cancel(key);
        var entry = new Entry(_owner, key, message, period != Timeout.InfiniteTimeSpan);
        _active[key] = entry;
        entry.Timer = _time.CreateTimer(static state => ((Entry)state!).Fire(), entry, dueTime, period);
    }

    /// <summary>One started timer. Identity matters: a queued tick is valid only while its entry is the active one for its key.</summary>
    internal sealed class Entry(ActorCell<TMessage> owner, object key, TMessage message, bool isPeriodic)
    {
        public object Key { get; } = key;

        public TMessage Message { get; } = message;

        public bool IsPeriodic { get; } = isPeriodic;

        /// <summary>Set right after creation; a zero-delay timer may fire before, which only queues a tick.</summary>
        public ITimer? Timer { get; set; }

        /// <summary>Runs on the timer's thread: only queues, never touches the scheduler.</summary>
        public void Fire() => owner.EnqueueTimerTick(this);
    }
}
