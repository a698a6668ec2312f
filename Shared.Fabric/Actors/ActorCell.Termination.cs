namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>Stopping: children first, then PostStop, then dead letters, watchers and the parent.</summary>
internal sealed partial class ActorCell<TMessage>
{
    /// <summary>Runs on the loop. After it returns the loop exits and the actor handles nothing more.</summary>
    private async ValueTask StopSelfAsync()
    {
        Volatile.Write(ref _stopRequested, 1);
        _writer.TryComplete();
        _timers?.CancelAll();
        await _children.StopAllAsync().ConfigureAwait(false);
        if (_actor is { } actor)
        {
            _actor = null;
            try
            {
                await actor.PostStopAsync().ConfigureAwait(false);
            }
            catch (Exception hookError)
            {
                ActorLog.HookFailed(Log, Path, "PostStopAsync", hookError);
            }
        }

        FinishTermination();
    }

    /// <summary>
    /// The last step: leftovers become dead letters, the parent frees the name (before watchers hear of it,
    /// so a watching parent may re-spawn the same name at once), then watchers and waiters are released.
    /// </summary>
    private void FinishTermination()
    {
        while (_reader.TryRead(out var envelope))
        {
            if (envelope.Control is null)
            {
                _system.PublishDeadLetter(envelope.Message, this, DeadLetterReason.RecipientStopped);
            }
        }

        foreach (var watched in _watching)
        {
            (watched as IInternalActorRef)?.RemoveWatcher(this);
        }

        _watching.Clear();

        IWatcher[] watchers;
        lock (_watchers)
        {
            _isTerminated = true;
            watchers = [.. _watchers];
            _watchers.Clear();
        }

        _parent.OnChildTerminated(this);
        var terminated = new Terminated(this);
        foreach (var watcher in watchers)
        {
            watcher.NotifyTerminated(terminated);
        }

        _terminated.TrySetResult();
    }
}
