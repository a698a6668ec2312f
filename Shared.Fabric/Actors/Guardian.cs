namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>The parent of top-level actors. Not an actor itself: it has no mailbox and cannot fail.</summary>
internal sealed class Guardian(ActorSystem system) : IActorParent
{
    /// <summary>The top-level actors.</summary>
    public ChildRegistry Children { get; } = new();

    public string Path { get; } = $"nerf://{system.Name}/user";

    public IActorRef? AsRef => null;

    public SupervisorStrategy ChildStrategy => system.Options.DefaultSupervisorStrategy;

    /// <summary>There is nobody above to escalate to: the top-level actor has stopped; make it loud.</summary>
    public void OnChildFailed(IActorRef child, Exception reason) => ActorLog.EscalatedToGuardian(system.Logger, child.Path, reason);

    public void OnChildTerminated(IInternalActorRef child) => Children.Remove(child);
}
