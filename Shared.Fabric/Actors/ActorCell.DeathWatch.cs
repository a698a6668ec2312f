namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>DeathWatch: who watches this actor, and whom this actor watches.</summary>
internal sealed partial class ActorCell<TMessage> : IWatcher
{
    /// <summary>Watchers of this actor; guarded by locking the set itself, together with <see cref="_isTerminated"/>.</summary>
    private readonly HashSet<IWatcher> _watchers = [];

    /// <summary>Actors this actor watches; loop only. A Terminated is delivered only while its sender is in here.</summary>
    private readonly HashSet<IActorRef> _watching = new(ReferenceEqualityComparer.Instance);

    /// <summary>Set under the watcher lock once watchers have been notified; later watchers are notified at once.</summary>
    private bool _isTerminated;

    /// <inheritdoc />
    public void AddWatcher(IWatcher watcher)
    {
        lock (_watchers)
        {
            if (!_isTerminated)
            {
                _watchers.Add(watcher);
                return;
            }
        }

        watcher.NotifyTerminated(new Terminated(this));
    }

    /// <inheritdoc />
    public void RemoveWatcher(IWatcher watcher)
    {
        lock (_watchers)
        {
            _watchers.Remove(watcher);
        }
    }

    /// <inheritdoc />
    void IWatcher.NotifyTerminated(Terminated terminated) => EnqueueSystem(new WatchedActorTerminated(terminated));

    /// <summary>Loop only (through the context).</summary>
    internal void Watch(IActorRef other)
    {
        var target = other.RequireKernelRef("watch");
        if (!ReferenceEquals(target, this) && _watching.Add(target))
        {
            target.AddWatcher(this);
        }
    }

    /// <summary>Loop only (through the context).</summary>
    internal void Unwatch(IActorRef other)
    {
        if (_watching.Remove(other) && other is IInternalActorRef target)
        {
            target.RemoveWatcher(this);
        }
    }
}
