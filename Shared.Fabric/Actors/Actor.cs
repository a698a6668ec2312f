namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// Base class of every actor. The kernel calls these members from the actor's single processing loop,
/// one at a time, so actor state needs no locks. Keep decision logic in a plain class the actor owns,
/// so it can be tested without the kernel.
/// </summary>
/// <remarks>
/// The hooks are <c>protected internal</c> so the kernel can call them directly. Overrides in other
/// assemblies write <c>protected override</c>; inside Shared.Fabric and its friend test assembly C# requires
/// <c>protected internal override</c>.
/// </remarks>
/// <typeparam name="TMessage">The protocol the actor accepts.</typeparam>
public abstract class Actor<TMessage>
{
    /// <summary>Binds the instance to the cell that is creating it (see <see cref="ActorCreation"/>).</summary>
    protected Actor() => BoundContext = ActorCreation.TakeContext<TMessage>();

    /// <summary>The actor's view of the kernel: self, parent, children, watch, stop, timers. Valid from the constructor on.</summary>
    protected IActorContext<TMessage> Context => BoundContext;

    /// <summary>Shorthand for <c>Context.Self</c>.</summary>
    protected IActorRef<TMessage> Self => BoundContext.Self;

    /// <summary>The context this instance was created for; the kernel checks it to reject recycled instances.</summary>
    internal IActorContext<TMessage> BoundContext { get; }

    /// <summary>Handles one message. Throwing hands the failure to the parent's supervisor strategy.</summary>
    protected internal abstract ValueTask OnReceiveAsync(TMessage message);

    /// <summary>Called when an actor this one watches has stopped. Typed actors cannot receive it as a message, hence a hook.</summary>
    protected internal virtual ValueTask OnTerminatedAsync(Terminated terminated) => default;

    /// <summary>
    /// Called before the first message of every incarnation (first start and each restart). If it throws,
    /// the instance is discarded without PostStop and the failure goes to the supervisor.
    /// </summary>
    protected internal virtual ValueTask PreStartAsync() => default;

    /// <summary>Called once the actor and all its children have stopped; release what PreStart acquired here.</summary>
    protected internal virtual ValueTask PostStopAsync() => default;

    /// <summary>
    /// Called on the failed instance before it is replaced. Defaults to <see cref="PostStopAsync"/> so
    /// resources are released on restart too. Children are stopped by the kernel after this hook.
    /// </summary>
    protected internal virtual ValueTask PreRestartAsync(Exception reason) => PostStopAsync();
}
