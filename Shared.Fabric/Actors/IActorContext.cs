namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// What an actor may do with the kernel. Use it only from the actor's own handlers and hooks: the
/// context is not thread-safe because the actor's loop is its only caller.
/// </summary>
/// <typeparam name="TMessage">The protocol of the actor that owns this context.</typeparam>
public interface IActorContext<TMessage>
{
    /// <summary>This actor's own reference, e.g. to embed as a reply address.</summary>
    IActorRef<TMessage> Self { get; }

    /// <summary>The parent actor; null for top-level actors, whose parent is the system guardian.</summary>
    IActorRef? Parent { get; }

    /// <summary>The system this actor lives in.</summary>
    ActorSystem System { get; }

    /// <summary>A snapshot of the live children.</summary>
    IReadOnlyCollection<IActorRef> Children { get; }

    /// <summary>Keyed single-shot and periodic timers that deliver to this actor; cancelled on stop and restart.</summary>
    TimerScheduler<TMessage> Timers { get; }

    /// <summary>Creates and starts a child supervised by this actor's strategy. Throws when the name is taken.</summary>
    IActorRef<TChild> Spawn<TChild>(Props<TChild> props, string? name = null);

    /// <summary>
    /// Asks for <see cref="Actor{TMessage}.OnTerminatedAsync"/> when <paramref name="other"/> stops; immediately
    /// (asynchronously) when it is already dead. Watching twice is the same as watching once.
    /// </summary>
    void Watch(IActorRef other);

    /// <summary>Stops watching; no Terminated for <paramref name="other"/> is delivered after this call.</summary>
    void Unwatch(IActorRef other);

    /// <summary>Stops this actor (pass <see cref="Self"/>) or one of its children, after the message in hand.</summary>
    void Stop(IActorRef actor);
}
