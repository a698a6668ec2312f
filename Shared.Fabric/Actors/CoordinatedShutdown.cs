using Microsoft.Extensions.Logging;

namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// Ordered, once-only shutdown: tasks registered per named phase run phase by phase, each phase bounded
/// by its timeout. A failing or slow task is logged and never blocks later phases, so the last phase
/// (which stops every actor, children before parents) always runs.
/// </summary>
public sealed class CoordinatedShutdown
{
    /// <summary>Stop accepting new work from outside (e.g. unbind HTTP).</summary>
    public const string BeforeServiceUnbind = "before-service-unbind";

    /// <summary>Unbind listeners.</summary>
    public const string ServiceUnbind = "service-unbind";

    /// <summary>Wait for in-flight requests.</summary>
    public const string ServiceRequestsDone = "service-requests-done";

    /// <summary>Stop services (capture engines, consumers).</summary>
    public const string ServiceStop = "service-stop";

    /// <summary>Before leaving the cluster.</summary>
    public const string BeforeClusterShutdown = "before-cluster-shutdown";

    /// <summary>Leave the cluster (hand over shards, release single-active consumers).</summary>
    public const string ClusterLeave = "cluster-leave";

    /// <summary>Last chance before actors stop (flush journals).</summary>
    public const string BeforeActorSystemTerminate = "before-actor-system-terminate";

    /// <summary>All actors stop; the kernel's own task lives here.</summary>
    public const string ActorSystemTerminate = "actor-system-terminate";

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ShutdownPhase[] _phases;

    /// <summary>Registered tasks per phase name; guarded by <see cref="_lock"/>.</summary>
    private readonly Dictionary<string, List<(string Name, Func<CancellationToken, Task> Run)>> _tasks;

    private readonly Lock _lock = new();

    /// <summary>The single run; null until <see cref="RunAsync"/> is first called. Guarded by <see cref="_lock"/>.</summary>
    private Task? _run;

    internal CoordinatedShutdown(TimeProvider time, ILogger logger, IReadOnlyList<ShutdownPhase> phases)
    {
        ArgumentNullException.ThrowIfNull(phases);
        if (phases.Count == 0)
        {
            throw new ArgumentException("Coordinated shutdown needs at least one phase.", nameof(phases));
        }

        _time = time;
        _logger = logger;
        _phases = [.. phases];
        _tasks = new Dictionary<string, List<(string, Func<CancellationToken, Task>)>>(StringComparer.Ordinal);
        foreach (var phase in _phases)
        {
            if (!_tasks.TryAdd(phase.Name, []))
            {
                throw new ArgumentException($"Shutdown phase '{phase.Name}' is listed twice.", nameof(phases));
            }
        }
    }

    /// <summary>The shipped phases, in order, 10 s each.</summary>
    public static IReadOnlyList<ShutdownPhase> DefaultPhases { get; } =
    [
        new(BeforeServiceUnbind, TimeSpan.FromSeconds(10)),
        new(ServiceUnbind, TimeSpan.FromSeconds(10)),
        new(ServiceRequestsDone, TimeSpan.FromSeconds(10)),
        new(ServiceStop, TimeSpan.FromSeconds(10)),
        new(BeforeClusterShutdown, TimeSpan.FromSeconds(10)),
        new(ClusterLeave, TimeSpan.FromSeconds(10)),
        new(BeforeActorSystemTerminate, TimeSpan.FromSeconds(10)),
        new(ActorSystemTerminate, TimeSpan.FromSeconds(10)),
    ];

    /// <summary>The phases in run order.</summary>
    public IReadOnlyList<ShutdownPhase> Phases => _phases;

    /// <summary>The phase in which all actors are stopped.</summary>
    public string LastPhase => _phases[^1].Name;

    /// <summary>True once <see cref="RunAsync"/> has been called.</summary>
    public bool HasStarted
    {
        get
        {
            lock (_lock)
            {
                return _run is not null;
            }
        }
    }

    /// <summary>
    /// Registers <paramref name="task"/> in <paramref name="phase"/>. The token is cancelled when the phase
    /// times out. Throws for an unknown phase or after shutdown has started (the task could not run reliably).
    /// </summary>
    public void AddTask(string phase, string name, Func<CancellationToken, Task> task)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(phase);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(task);
        lock (_lock)
        {
            if (_run is not null)
            {
                throw new InvalidOperationException($"Coordinated shutdown has already started; task '{name}' cannot be added.");
            }

            if (!_tasks.TryGetValue(phase, out var tasks))
            {
                throw new ArgumentException(
                    $"Unknown shutdown phase '{phase}'. Known phases: {string.Join(", ", _phases.Select(p => p.Name))}.", nameof(phase));
            }

            tasks.Add((name, task));
        }
    }

    /// <summary>Runs all phases in order, once; every call returns the same task.</summary>
    public Task RunAsync()
    {
        lock (_lock)
        {
            return _run ??= RunPhasesAsync();
        }
    }

    private async Task RunPhasesAsync()
    {
        await Task.Yield(); // the caller (possibly an actor) never runs shutdown tasks inline
        foreach (var phase in _phases)
        {
            (string Name, Func<CancellationToken, Task> Run)[] tasks;
            lock (_lock)
            {
                tasks = [.. _tasks[phase.Name]];
            }

            if (tasks.Length == 0)
            {
                continue;
            }

            using var timedOut = new CancellationTokenSource();
            var running = new Task[tasks.Length];
            for (var i = 0; i < tasks.Length; i++)
            {
                running[i] = RunTaskAsync(phase.Name, tasks[i].Name, tasks[i].Run, timedOut.Token);
            }

            try
            {
                await Task.WhenAll(running).WaitAsync(phase.Timeout, _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                ActorLog.ShutdownPhaseTimedOut(_logger, phase.Name, phase.Timeout);
                await timedOut.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task RunTaskAsync(string phase, string name, Func<CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        try
        {
            await run(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ActorLog.ShutdownTaskFailed(_logger, name, phase, ex);
        }
    }
}
