using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// A named home for actors: spawns top-level actors, owns the clock, counts dead letters and runs
/// coordinated shutdown. One per process role; disposing it terminates it.
/// </summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly Guardian _guardian;
    private readonly DeadLetterPublisher _deadLetters = new();
    private readonly TaskCompletionSource _whenTerminated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>1 once actors are being stopped for termination; spawning then fails.</summary>
    private int _stoppingActors;

    private ActorSystem(string name, ActorSystemOptions options)
    {
        Name = ActorNames.ValidateSystemName(name);
        Options = options;
        TimeProvider = options.TimeProvider ?? throw new ArgumentException("TimeProvider is required.", nameof(options));
        Logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("NerfEngine.Shared.Fabric.Actors");
        _guardian = new Guardian(this);
        CoordinatedShutdown = new CoordinatedShutdown(TimeProvider, Logger, options.ShutdownPhases);
        CoordinatedShutdown.AddTask(CoordinatedShutdown.LastPhase, "stop-all-actors", _ => StopAllActorsAsync());
    }

    /// <summary>The system name, the host part of every actor path.</summary>
    public string Name { get; }

    /// <summary>The settings the system was created with.</summary>
    public ActorSystemOptions Options { get; }

    /// <summary>The system's clock; all kernel timing goes through it.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Ordered shutdown; register service-stop and flush tasks here.</summary>
    public CoordinatedShutdown CoordinatedShutdown { get; }

    /// <summary>Messages that could not be delivered since the system started.</summary>
    public long DeadLetterCount => _deadLetters.Count;

    /// <summary>Each dead letter, published synchronously to subscribers (keep them quick).</summary>
    public IObservable<DeadLetter> DeadLetters => _deadLetters;

    /// <summary>Completes when <see cref="TerminateAsync"/> has finished.</summary>
    public Task WhenTerminated => _whenTerminated.Task;

    /// <summary>Number of live top-level actors.</summary>
    public int TopLevelActorCount => _guardian.Children.Count;

    internal ILogger Logger { get; }

    /// <summary>Creates a system; <paramref name="name"/> may use letters, digits, '-' and '_'.</summary>
    public static ActorSystem Create(string name, ActorSystemOptions? options = null) => new(name, options ?? new ActorSystemOptions());

    /// <summary>Creates and starts a top-level actor, supervised by <see cref="ActorSystemOptions.DefaultSupervisorStrategy"/>.</summary>
    public IActorRef<TMessage> Spawn<TMessage>(Props<TMessage> props, string? name = null)
    {
        if (Volatile.Read(ref _stoppingActors) != 0)
        {
            throw new InvalidOperationException($"Actor system '{Name}' is terminating; no new actors can be spawned.");
        }

        return _guardian.Children.Spawn(this, _guardian, props, name);
    }

    /// <summary>Stops any actor of this system after its current message; completes when it has terminated.</summary>
    public Task StopAsync(IActorRef actor)
    {
        var target = actor.RequireKernelRef("stop");
        target.RequestStop();
        return target.WhenTerminated;
    }

    /// <summary>Runs coordinated shutdown (all phases, once) and completes when the system is terminated.</summary>
    public async Task TerminateAsync()
    {
        await CoordinatedShutdown.RunAsync().ConfigureAwait(false);
        _whenTerminated.TrySetResult();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(TerminateAsync());

    /// <inheritdoc />
    public override string ToString() => $"nerf://{Name}";

    internal void PublishDeadLetter(object? message, IActorRef recipient, DeadLetterReason reason) =>
        _deadLetters.Publish(message, recipient, reason);

    /// <summary>The kernel's shutdown task: every top-level actor stops its subtree bottom-up. Loops in case of a racing spawn.</summary>
    private async Task StopAllActorsAsync()
    {
        Volatile.Write(ref _stoppingActors, 1);
        while (_guardian.Children.Count > 0)
        {
            await _guardian.Children.StopAllAsync().ConfigureAwait(false);
        }
    }
}
