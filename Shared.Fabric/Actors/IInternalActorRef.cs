namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// Kernel-side operations on any actor the kernel created, whatever its message type. Public refs are
/// cast to this to watch or stop them; refs from elsewhere (test probes, ask promises) are rejected.
/// </summary>
internal interface IInternalActorRef : IActorRef
{
    /// <summary>The system that owns the actor.</summary>
    ActorSystem System { get; }

    /// <summary>Completes once the actor, its children and its PostStop are done and watchers were notified.</summary>
    Task WhenTerminated { get; }

    /// <summary>Registers a watcher; notifies it at once when the actor is already dead.</summary>
    void AddWatcher(IWatcher watcher);

    /// <summary>Forgets a watcher; harmless when it was not registered.</summary>
    void RemoveWatcher(IWatcher watcher);

    /// <summary>Asks the actor to stop after its current message; idempotent.</summary>
    void RequestStop();
}

/// <summary>Anything that can receive death-watch notifications: actor cells and test probes.</summary>
internal interface IWatcher
{
    /// <summary>Delivers the notification; must not block, as it runs on the dying actor's loop.</summary>
    void NotifyTerminated(Terminated terminated);
}

/// <summary>What a child needs from its parent: the parent is an actor cell or the system guardian.</summary>
internal interface IActorParent
{
    /// <summary>Path prefix of the children.</summary>
    string Path { get; }

    /// <summary>The parent as a ref; null for the guardian, which is not an actor.</summary>
    IActorRef? AsRef { get; }

    /// <summary>The strategy applied to a failing child. Immutable, so children read it from their own loop.</summary>
    SupervisorStrategy ChildStrategy { get; }

    /// <summary>A child chose Escalate: the parent must fail with <paramref name="reason"/>.</summary>
    void OnChildFailed(IActorRef child, Exception reason);

    /// <summary>A child has stopped; frees its name.</summary>
    void OnChildTerminated(IInternalActorRef child);
}

/// <summary>Conversion from public refs to kernel refs, with one clear error for foreign refs.</summary>
internal static class KernelRefs
{
    /// <summary>Returns the kernel view of <paramref name="actor"/> or explains why <paramref name="operation"/> is impossible.</summary>
    public static IInternalActorRef RequireKernelRef(this IActorRef actor, string operation)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return actor as IInternalActorRef
            ?? throw new ArgumentException(
                $"Cannot {operation} {actor.Path}: only actors spawned by an ActorSystem can be watched or stopped (not test-probe or ask references).",
                nameof(actor));
    }
}
