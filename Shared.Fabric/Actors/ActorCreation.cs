namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// Hands the context to an actor's base constructor while its factory runs, so <c>Context</c> is usable
/// inside the constructor and actors cannot be created outside the kernel by accident.
/// </summary>
internal static class ActorCreation
{
    /// <summary>The context of the actor being constructed on this thread; null outside a factory call.</summary>
    [ThreadStatic]
    private static object? t_pendingContext;

    /// <summary>Runs the factory with the context in place and checks the factory really built a new actor for it.</summary>
    public static Actor<TMessage> Create<TMessage>(IActorContext<TMessage> context, Func<Actor<TMessage>> factory)
    {
        t_pendingContext = context;
        try
        {
            var actor = factory() ?? throw new InvalidOperationException($"The Props factory for {context.Self.Path} returned null.");
            if (!ReferenceEquals(actor.BoundContext, context))
            {
                throw new InvalidOperationException(
                    $"The Props factory for {context.Self.Path} must create a new actor instance on each call, not return an existing one.");
            }

            return actor;
        }
        finally
        {
            t_pendingContext = null;
        }
    }

    /// <summary>Called by the actor base constructor; takes the pending context so a nested construction cannot reuse it.</summary>
    public static IActorContext<TMessage> TakeContext<TMessage>()
    {
        var pending = t_pendingContext;
        t_pendingContext = null;
        return pending as IActorContext<TMessage>
            ?? throw new InvalidOperationException(
                "Actors are created by the kernel: use Props.Create(() => new MyActor(...)) with ActorSystem.Spawn or Context.Spawn, not 'new' on its own.");
    }
}
