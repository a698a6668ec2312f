namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// The untyped identity of an actor: enough to name it, watch it and stop it, but not to send to it.
/// Death-watch notifications and logs use this shape because the watcher need not know the message type.
/// </summary>
public interface IActorRef
{
    /// <summary>The actor's name, unique among its siblings.</summary>
    string Name { get; }

    /// <summary>The full path, e.g. <c>nerf://sensor/user/capture/ring-0</c>; for people and logs.</summary>
    string Path { get; }
}

/// <summary>
/// A typed handle to an actor. Messages are delivered in the order each sender sent them; delivery to
/// a stopped actor, or a drop from a full bounded mailbox, becomes a counted dead letter.
/// </summary>
/// <typeparam name="TMessage">The protocol the actor accepts; contravariant so a handler of a base record accepts derived ones.</typeparam>
public interface IActorRef<in TMessage> : IActorRef
{
    /// <summary>
    /// Enqueues without waiting. On a full bounded mailbox the message is dropped and counted as a dead
    /// letter, so a producer that must not stall (a ring reader) never blocks here.
    /// </summary>
    void Tell(TMessage message);

    /// <summary>
    /// Enqueues, waiting for room when the bounded mailbox is full: backpressure for producers that
    /// can afford to wait. Completes synchronously when there is room.
    /// </summary>
    ValueTask TellAsync(TMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Request/response: <paramref name="build"/> receives a one-shot reply reference to embed in the
    /// request. Throws <see cref="AskTimeoutException"/> when no reply arrives within <paramref name="timeout"/>
    /// (measured on the system's <see cref="TimeProvider"/>).
    /// </summary>
    Task<TReply> Ask<TReply>(Func<IActorRef<TReply>, TMessage> build, TimeSpan timeout, CancellationToken cancellationToken = default);
}
