namespace NerfEngine.Shared.Fabric.Streams;

/// <summary>
/// Stops every stream and stage it is shared with, from outside the stream. <see cref="Shutdown"/>
/// completes them gracefully (buffered items still reach the consumer); <see cref="Abort"/> fails
/// them with a <see cref="KillSwitchAbortedException"/> (buffered items are counted as dropped).
/// The first trigger wins; later ones are ignored.
/// </summary>
/// <example>
/// <code>
/// var killSwitch = new KillSwitch("sensor-eth0");
/// killSwitch.Attach(stage);                                   // a bounded stage
/// await foreach (var edge in source.Via(killSwitch, ct)) …    // any async sequence
/// killSwitch.Shutdown();                                      // or killSwitch.Abort(reason)
/// </code>
/// </example>
public sealed class KillSwitch
{
    /// <summary>Cancelled on either trigger; wakes streams that are waiting on their source.</summary>
    private readonly CancellationTokenSource _triggered = new();

    /// <summary>Null while running; set exactly once (state and reason together) by the winning trigger.</summary>
    private Trigger? _trigger;

    /// <summary>Creates a running kill switch.</summary>
    public KillSwitch(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>Shown in errors, e.g. the sensor or pipeline it stops.</summary>
    public string Name { get; }

    /// <summary>Running, Shutdown or Aborted.</summary>
    public KillSwitchState State => Volatile.Read(ref _trigger)?.State ?? KillSwitchState.Running;

    /// <summary>The reason given to <see cref="Abort"/>, once aborted.</summary>
    public Exception? AbortReason => Volatile.Read(ref _trigger)?.Reason;

    /// <summary>Cancelled when the switch is triggered either way.</summary>
    public CancellationToken Token => _triggered.Token;

    /// <summary>Completes all attached streams gracefully. Returns false if the switch was already triggered.</summary>
    public bool Shutdown() => Fire(new Trigger(KillSwitchState.Shutdown, Reason: null));

    /// <summary>Fails all attached streams with <paramref name="reason"/>. Returns false if the switch was already triggered.</summary>
    public bool Abort(Exception reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return Fire(new Trigger(KillSwitchState.Aborted, reason));
    }

    /// <summary>
    /// Ties <paramref name="stage"/> to this switch: shutdown completes it, abort aborts it.
    /// If the switch has already been triggered, that happens now. Dispose the returned registration
    /// to detach a stage that ends before the switch does (so a long-lived switch holds no dead stages).
    /// </summary>
    public CancellationTokenRegistration Attach<T>(Stage<T> stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return _triggered.Token.UnsafeRegister(
            static state =>
            {
                var (killSwitch, target) = ((KillSwitch, Stage<T>))state!;
                if (killSwitch.State == KillSwitchState.Aborted)
                {
                    target.Abort(killSwitch.CreateAbortException());
                }
                else
                {
                    target.TryComplete();
                }
            },
            (this, stage));
    }

    /// <summary>Throws <see cref="KillSwitchAbortedException"/> when the switch was aborted.</summary>
    public void ThrowIfAborted()
    {
        if (State == KillSwitchState.Aborted)
        {
            throw CreateAbortException();
        }
    }

    /// <summary>A new exception per throw site, so stack traces of different streams do not overwrite each other.</summary>
    internal KillSwitchAbortedException CreateAbortException() =>
        new(Name, AbortReason ?? throw new InvalidOperationException($"Kill switch '{Name}' was not aborted."));

    private bool Fire(Trigger trigger)
    {
        if (Interlocked.CompareExchange(ref _trigger, trigger, null) is not null)
        {
            return false;
        }

        _triggered.Cancel();
        return true;
    }

    /// <summary>How the switch was triggered; one object so state and reason are published together.</summary>
    private sealed record Trigger(KillSwitchState State, Exception? Reason);
}
