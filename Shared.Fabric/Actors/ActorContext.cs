namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// The context handed to an actor. Separate from the cell so a reference, which travels to other
/// threads, cannot be cast into the loop-only operations.
/// </summary>
internal sealed class ActorContext<TMessage>(ActorCell<TMessage> cell) : IActorContext<TMessage>
{
    public IActorRef<TMessage> Self => cell;

    public IActorRef? Parent => cell.Parent.AsRef;

    public ActorSystem System => cell.System;

    public IReadOnlyCollection<IActorRef> Children => cell.Children.Snapshot;

    public TimerScheduler<TMessage> Timers => cell.Timers;

    public IActorRef<TChild> Spawn<TChild>(Props<TChild> props, string? name = null) =>
        cell.Children.Spawn(cell.System, cell, props, name);

    public void Watch(IActorRef other) => cell.Watch(other);

    public void Unwatch(IActorRef other) => cell.Unwatch(other);

    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (ReferenceEquals(actor, cell))
        {
            cell.RequestStop();
        }
        else if (cell.Children.Contains(actor))
        {
            ((IInternalActorRef)actor).RequestStop();
        }
        else
        {
            throw new InvalidOperationException(
                $"{cell.Path} can stop only itself or its own children, not {actor.Path}; use ActorSystem.StopAsync for other actors.");
        }
    }
}
