using Microsoft.Extensions.Logging;
using NerfEngine.Sensor.Publishing;
using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Transport;

namespace NerfEngine.Sensor.Capture;

/// <summary>
/// The start and stop the kernel capture engines (AF_PACKET, XDP) share: an engine starts once; start opens
/// the engine's kernel objects before anything runs (so every failure surfaces from start), then creates the
/// publishing outbox and the actor system (the caller's, or a private one) and lets the engine spawn its
/// reader actors; stop runs once, stops the readers, takes the elapsed time, drains the outbox within the
/// drain timeout, lets the engine release what must outlive the drain, and terminates a private actor
/// system. Each engine keeps only what differs: what it opens, which actors read it, what it releases.
/// </summary>
internal sealed class KernelCaptureLifecycle : IAsyncDisposable
{
    private readonly string _engineName;
    private readonly IEdgeBatchPublisher _publisher;
    private readonly PublishingOptions _publishing;
    private readonly TimeSpan _drainTimeout;
    private readonly ActorSystem? _sharedSystem;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly TimeProvider _time;

    /// <summary>Created by the first start when no system was given; terminated by stop.</summary>
    private ActorSystem? _ownSystem;

    /// <summary>The one stop, shared by every caller of <see cref="StopAsync"/>.</summary>
    private Task? _stopping;

    private long _startedAt;

    /// <summary>Set when the readers have stopped: the capture's length.</summary>
    private TimeSpan? _elapsed;

    /// <param name="engineName">The engine's name, for the error of a second start.</param>
    /// <param name="publisher">Where the outbox publishes; not owned.</param>
    /// <param name="publishing">The outbox's settings.</param>
    /// <param name="drainTimeout">How long stop waits for the outbox to hand over its last batches.</param>
    /// <param name="actorSystem">The system to host the readers; null creates (and stop terminates) a private one.</param>
    /// <param name="loggerFactory">The private system's logging.</param>
    /// <param name="timeProvider">Wall clock of the elapsed time and the drain timeout.</param>
    public KernelCaptureLifecycle(string engineName, IEdgeBatchPublisher publisher, PublishingOptions publishing, TimeSpan drainTimeout,
        ActorSystem? actorSystem, ILoggerFactory? loggerFactory, TimeProvider timeProvider)
    {
        _engineName = engineName;
        _publisher = publisher;
        _publishing = publishing;
        _drainTimeout = drainTimeout;
        _sharedSystem = actorSystem;
        _loggerFactory = loggerFactory;
        _time = timeProvider;
    }

    /// <summary>Guards start, stop and the engine's own lists of what it started.</summary>
    public Lock Gate { get; } = new();

    /// <summary>The outbox the readers batch into; null until started.</summary>
    public EdgeBatchOutbox? Outbox { get; private set; }

    /// <summary>Publishing counters (zeros before start).</summary>
    public PublishingStats PublishingStats => Outbox?.GetStats() ?? PublishingStats.Empty;

    /// <summary>How long the capture ran: until now while it runs, fixed once the readers stopped; zero before start.</summary>
    public TimeSpan Elapsed => _elapsed ?? (Outbox is null ? TimeSpan.Zero : _time.GetElapsedTime(_startedAt));

    /// <summary>
    /// Starts once: <paramref name="open"/> opens the engine's kernel objects (and throws, having released
    /// them, when it cannot), then the outbox and actor system are created and <paramref name="spawn"/>
    /// starts the readers in the system, naming its actors with the prefix it is given.
    /// </summary>
    /// <param name="systemName">Name of a private actor system, and the actor-name prefix's first part.</param>
    /// <param name="interfaceName">The captured interface, the actor-name prefix's second part.</param>
    public void Start(CancellationToken cancellationToken, Action open, string systemName, string interfaceName,
        Action<EdgeBatchOutbox, ActorSystem, string> spawn)
    {
        lock (Gate)
        {
            if (Outbox is not null || _stopping is not null)
            {
                throw new InvalidOperationException($"{_engineName} was already started (an engine starts once; create a new one to capture again).");
            }

            cancellationToken.ThrowIfCancellationRequested();
            open();
            _startedAt = _time.GetTimestamp();
            Outbox = new EdgeBatchOutbox(_publisher, _publishing);
            ActorSystem system = _sharedSystem ?? (_ownSystem = ActorSystem.Create(systemName, new ActorSystemOptions
            {
                LoggerFactory = _loggerFactory,
            }));
            string prefix = systemName + "-" + string.Concat(interfaceName.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_'));
            spawn(Outbox, system, prefix);
        }
    }

    /// <summary>
    /// Stops once (later calls wait for the same stop): <paramref name="stopReaders"/> stops the engine's
    /// actors in the system, the outbox is drained, then <paramref name="afterDrain"/> releases what the
    /// drain still needed. A never-started engine stops at once.
    /// </summary>
    public Task StopAsync(Func<ActorSystem, Task> stopReaders, Action? afterDrain, CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            _stopping ??= Outbox is null ? Task.CompletedTask : StopCoreAsync(stopReaders, afterDrain);
            return _stopping.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Outbox is not null)
        {
            await Outbox.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task StopCoreAsync(Func<ActorSystem, Task> stopReaders, Action? afterDrain)
    {
        await stopReaders(_sharedSystem ?? _ownSystem!).ConfigureAwait(false);
        _elapsed = _time.GetElapsedTime(_startedAt);
        using (var drain = new CancellationTokenSource(_drainTimeout, _time))
        {
            await Outbox!.CompleteAsync(drain.Token).ConfigureAwait(false);
        }

        afterDrain?.Invoke();
        if (_ownSystem is not null)
        {
            await _ownSystem.TerminateAsync().ConfigureAwait(false);
        }
    }
}
