namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>Failure handling: the parent's strategy applied on this actor's own loop.</summary>
internal sealed partial class ActorCell<TMessage>
{
    /// <summary>
    /// Applies the parent's strategy to <paramref name="reason"/>. Returns true when the actor runs on
    /// (resumed or restarted), false once it has stopped. A restart whose new incarnation fails to start
    /// is itself a failure and goes round again, so the restart limit also bounds crash loops in PreStart.
    /// </summary>
    private async ValueTask<bool> HandleFailureAsync(Exception reason)
    {
        while (true)
        {
            var strategy = _parent.ChildStrategy;
            SupervisorDirective directive;
            try
            {
                directive = strategy.Decider(reason);
            }
            catch (Exception deciderError)
            {
                ActorLog.DeciderFailed(Log, Path, deciderError);
                await StopSelfAsync().ConfigureAwait(false);
                return false;
            }

            if (directive == SupervisorDirective.Resume && _actor is null)
            {
                directive = SupervisorDirective.Restart; // nothing to resume: the failure happened while starting
            }

            ActorLog.ActorFailed(Log, Path, directive, reason);
            switch (directive)
            {
                case SupervisorDirective.Resume:
                    return true;

                case SupervisorDirective.Restart:
                    if (!_restarts.TryRecordRestart(strategy, _system.TimeProvider, out var backoff))
                    {
                        ActorLog.RestartLimitExceeded(Log, Path, strategy.MaxRestarts, strategy.Window);
                        await StopSelfAsync().ConfigureAwait(false);
                        return false;
                    }

                    var startFailure = await RestartAsync(reason, backoff).ConfigureAwait(false);
                    if (IsStopRequested)
                    {
                        await StopSelfAsync().ConfigureAwait(false);
                        return false;
                    }

                    if (startFailure is null)
                    {
                        return true;
                    }

                    reason = startFailure;
                    continue;

                case SupervisorDirective.Escalate:
                    _parent.OnChildFailed(this, reason);
                    await StopSelfAsync().ConfigureAwait(false);
                    return false;

                default:
                    await StopSelfAsync().ConfigureAwait(false);
                    return false;
            }
        }
    }

    /// <summary>
    /// Replaces the failed incarnation after <paramref name="backoff"/>, keeping the mailbox. Returns the
    /// start failure of the new incarnation, or null (started, or a stop cut the backoff short).
    /// </summary>
    private async ValueTask<Exception?> RestartAsync(Exception reason, TimeSpan backoff)
    {
        _timers?.CancelAll();

        // Arm the backoff before any hook runs: whoever observes PreRestart knows the delay is already counting.
        var due = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = backoff > TimeSpan.Zero
            ? _system.TimeProvider.CreateTimer(static s => ((TaskCompletionSource)s!).TrySetResult(), due, backoff, Timeout.InfiniteTimeSpan)
            : null;
        if (timer is null)
        {
            due.TrySetResult();
        }

        using var stopping = _stopping.Token.UnsafeRegister(static s => ((TaskCompletionSource)s!).TrySetResult(), due);
        ActorLog.Restarting(Log, Path, backoff);

        if (_actor is { } failed)
        {
            _actor = null;
            try
            {
                await failed.PreRestartAsync(reason).ConfigureAwait(false);
            }
            catch (Exception hookError)
            {
                ActorLog.HookFailed(Log, Path, "PreRestartAsync", hookError);
            }
        }

        await _children.StopAllAsync().ConfigureAwait(false);
        await due.Task.ConfigureAwait(false);
        return IsStopRequested ? null : await TryStartIncarnationAsync().ConfigureAwait(false);
    }

    /// <summary>Creates an instance and runs PreStart. On failure the instance is discarded without PostStop.</summary>
    private async ValueTask<Exception?> TryStartIncarnationAsync()
    {
        Actor<TMessage> actor;
        try
        {
            actor = ActorCreation.Create(_context, _props.Factory);
            await actor.PreStartAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            return ex;
        }

        _actor = actor;
        return null;
    }
}
