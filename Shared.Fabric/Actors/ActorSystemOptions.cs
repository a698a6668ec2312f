using Microsoft.Extensions.Logging;

namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>Settings of an <see cref="ActorSystem"/>. Every default is the shipped behaviour.</summary>
public sealed record ActorSystemOptions
{
    /// <summary>The one clock of the system: timers, restart backoff, ask and shutdown timeouts. Tests pass a ManualTimeProvider.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Supervises top-level actors, and children of actors whose Props set no strategy.</summary>
    public SupervisorStrategy DefaultSupervisorStrategy { get; init; } = SupervisorStrategy.Default;

    /// <summary>Where failures, restarts and shutdown problems are logged. Null: not logged.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Ordered phases of <see cref="CoordinatedShutdown"/>; the last one stops all actors.</summary>
    public IReadOnlyList<ShutdownPhase> ShutdownPhases { get; init; } = CoordinatedShutdown.DefaultPhases;
}
