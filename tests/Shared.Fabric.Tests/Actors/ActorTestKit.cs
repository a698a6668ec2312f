using System.Collections.Concurrent;
using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Actors.Testing;

namespace NerfEngine.Tests.SharedFabric.Actors;

/// <summary>Shared settings and helpers for the actor tests.</summary>
internal static class ActorTestKit
{
    /// <summary>How long an expected message may take. Generous: only a failing test ever waits this long.</summary>
    public static readonly TimeSpan Expect = TimeSpan.FromSeconds(5);

    /// <summary>How long to listen for a message that must not come.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(100);

    /// <summary>Restart at once, at most <paramref name="maxRestarts"/> times: for tests that are not about backoff.</summary>
    public static SupervisorStrategy ImmediateRestart(int? maxRestarts = 10) =>
        SupervisorStrategy.Default with { Backoff = RestartBackoff.None, MaxRestarts = maxRestarts };

    public static ActorSystem CreateSystem(ManualTimeProvider? time = null, SupervisorStrategy? strategy = null) =>
        ActorSystem.Create("test", new ActorSystemOptions
        {
            TimeProvider = time ?? TimeProvider.System,
            DefaultSupervisorStrategy = strategy ?? ImmediateRestart(),
        });
}

/// <summary>Collects what an observable publishes.</summary>
internal sealed class CollectingObserver<T> : IObserver<T>
{
    public ConcurrentQueue<T> Items { get; } = new();

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void OnNext(T value) => Items.Enqueue(value);
}
