namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// One-for-one supervision, held by a parent for its children: each failing child is handled alone.
/// Every default is the shipped behaviour: restart on any exception with <see cref="RestartBackoff.Default"/>,
/// at most 10 restarts per minute, then stop.
/// </summary>
public sealed record SupervisorStrategy
{
    private readonly int? _maxRestarts = 10;
    private readonly TimeSpan _window = TimeSpan.FromMinutes(1);

    /// <summary>Restart on every exception with the default backoff and limit.</summary>
    public static SupervisorStrategy Default { get; } = new();

    /// <summary>Decides the directive from the exception. Default: always Restart.</summary>
    public Func<Exception, SupervisorDirective> Decider { get; init; } = static _ => SupervisorDirective.Restart;

    /// <summary>Delay before each restart.</summary>
    public RestartBackoff Backoff { get; init; } = RestartBackoff.Default;

    /// <summary>Restarts allowed within <see cref="Window"/>; one more failure stops the child. Null: unlimited.</summary>
    public int? MaxRestarts
    {
        get => _maxRestarts;
        init => _maxRestarts = value is null or >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxRestarts), value, "Must be ≥ 0 or null.");
    }

    /// <summary>The span in which <see cref="MaxRestarts"/> counts; the count (and backoff) resets after it.</summary>
    public TimeSpan Window
    {
        get => _window;
        init => _window = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(Window), value, "Must be positive.");
    }

    /// <summary>A one-for-one strategy with a custom decider and the default backoff and limits.</summary>
    public static SupervisorStrategy OneForOne(Func<Exception, SupervisorDirective> decider)
    {
        ArgumentNullException.ThrowIfNull(decider);
        return new SupervisorStrategy { Decider = decider };
    }
}
