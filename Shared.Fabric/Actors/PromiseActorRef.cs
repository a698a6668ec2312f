using System.Globalization;

namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// The one-shot reply address of an ask. The first reply completes the ask; later replies and replies
/// after a timeout are dead letters. Completion runs continuations asynchronously so a replying actor
/// never executes the asker's code on its own loop. The promise watches a kernel target, so an ask whose
/// recipient has stopped (or stops before replying) fails at once instead of waiting out its timeout.
/// </summary>
internal sealed class PromiseActorRef<TReply> : IActorRef<TReply>, IFailableReply, IWatcher
{
    private static long s_nextId;

    private readonly ActorSystem _system;
    private readonly TaskCompletionSource<TReply> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Fires the timeout on the system clock; disposed as soon as the ask completes.</summary>
    private ITimer? _timeout;

    /// <summary>Cancels the ask with the caller's token; disposed as soon as the ask completes.</summary>
    private CancellationTokenRegistration _cancellation;

    /// <summary>The watched recipient (kernel actors only); unwatched as soon as the ask completes.</summary>
    private IInternalActorRef? _recipient;

    /// <summary>Describes the ask for error messages; set by <see cref="Arm"/>.</summary>
    private Func<string> _describe = static () => "";

    /// <summary>Creates the promise; call <see cref="Arm"/> before sending the request.</summary>
    public PromiseActorRef(ActorSystem system)
    {
        _system = system;
        Name = "ask-" + Interlocked.Increment(ref s_nextId).ToString(CultureInfo.InvariantCulture);
        Path = $"nerf://{system.Name}/temp/{Name}";
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Path { get; }

    /// <summary>The reply, an <see cref="AskTimeoutException"/>, or cancellation.</summary>
    public Task<TReply> Task => _reply.Task;

    /// <summary>
    /// Starts the timeout (on the system's TimeProvider, synchronously, so a test clock can be advanced
    /// right after the ask call) and hooks cancellation.
    /// </summary>
    public void Arm(IActorRef recipient, TimeSpan timeout, Func<string> describe, CancellationToken cancellationToken)
    {
        _describe = describe;
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            _timeout = _system.TimeProvider.CreateTimer(
                static state =>
                {
                    var (promise, timeout, describe) = ((PromiseActorRef<TReply>, TimeSpan, Func<string>))state!;
                    if (promise._reply.TrySetException(new AskTimeoutException(
                            $"Ask {describe()} timed out after {timeout}: no reply of type {typeof(TReply).Name} arrived.")))
                    {
                        promise.Release();
                    }
                },
                (this, timeout, describe),
                timeout,
                Timeout.InfiniteTimeSpan);
        }

        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(
                static (state, token) =>
                {
                    var promise = (PromiseActorRef<TReply>)state!;
                    if (promise._reply.TrySetCanceled(token))
                    {
                        promise.Release();
                    }
                },
                this);
        }

        if (recipient is IInternalActorRef kernelRef)
        {
            // Akka's "recipient had already been terminated": a stopped actor never replies, so do not wait for the timeout.
            Volatile.Write(ref _recipient, kernelRef);
            kernelRef.AddWatcher(this);
        }

        if (_reply.Task.IsCompleted)
        {
            Release();
        }
    }

    /// <inheritdoc />
    public bool TryFail(Exception reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (!_reply.TrySetException(reason))
        {
            return false;
        }

        Release();
        return true;
    }

    /// <inheritdoc />
    void IWatcher.NotifyTerminated(Terminated terminated)
    {
        if (_reply.TrySetException(new AskTimeoutException(
                $"Ask {_describe()} failed at once: the recipient has stopped, so no reply of type {typeof(TReply).Name} will come.",
                recipientStopped: true)))
        {
            Release();
        }
    }

    /// <inheritdoc />
    public void Tell(TReply message)
    {
        if (_reply.TrySetResult(message))
        {
            Release();
        }
        else
        {
            _system.PublishDeadLetter(message, this, DeadLetterReason.RecipientStopped);
        }
    }

    /// <inheritdoc />
    public ValueTask TellAsync(TReply message, CancellationToken cancellationToken = default)
    {
        Tell(message);
        return default;
    }

    /// <inheritdoc />
    public Task<TNested> Ask<TNested>(Func<IActorRef<TNested>, TReply> build, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        AskPattern.AskAsync(_system, this, build, timeout, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => Path;

    /// <summary>Drops the timer and the token registration; safe to call more than once.</summary>
    private void Release()
    {
        Interlocked.Exchange(ref _timeout, null)?.Dispose();
        _cancellation.Dispose();
        Interlocked.Exchange(ref _recipient, null)?.RemoveWatcher(this);
    }
}
