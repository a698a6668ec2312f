namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>The one implementation of ask, shared by every kind of reference.</summary>
internal static class AskPattern
{
    /// <summary>
    /// Builds the request around a fresh promise, arms the timeout, sends, and returns the reply task.
    /// Not an async method: the timeout timer exists when this returns, so tests can advance a manual clock at once.
    /// </summary>
    public static Task<TReply> AskAsync<TMessage, TReply>(
        ActorSystem system,
        IActorRef<TMessage> target,
        Func<IActorRef<TReply>, TMessage> build,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "An ask timeout must be positive (or Timeout.InfiniteTimeSpan).");
        }

        var promise = new PromiseActorRef<TReply>(system);
        var request = build(promise);
        promise.Arm(target, timeout, () => $"to {target.Path} with {request?.GetType().Name ?? "null"}", cancellationToken);
        target.Tell(request);
        return promise.Task;
    }
}
