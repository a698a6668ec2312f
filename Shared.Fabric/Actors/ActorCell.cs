using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// The runtime home of one actor: its mailbox, its single processing loop, children, watchers and timers.
/// The cell is also the actor's reference, so a Tell is one call and one channel write of a struct.
/// Everything that touches the actor instance runs on the loop, one step at a time.
/// </summary>
internal sealed partial class ActorCell<TMessage> : IActorRef<TMessage>, IInternalActorRef, IActorParent
{
    private readonly ActorSystem _system;
    private readonly IActorParent _parent;
    private readonly Props<TMessage> _props;
    private readonly ActorContext<TMessage> _context;

    /// <summary>Write side of the mailbox: any thread. Completed by the loop when the actor stops.</summary>
    private readonly ChannelWriter<Envelope<TMessage>> _writer;

    /// <summary>Read side of the mailbox: the loop only (single reader).</summary>
    private readonly ChannelReader<Envelope<TMessage>> _reader;

    /// <summary>Kernel messages, handled before the next user message; a wake signal in the mailbox announces them.</summary>
    private readonly ConcurrentQueue<SystemMessage> _systemMessages = new();

    /// <summary>
    /// Count of <see cref="_systemMessages"/>, raised after each enqueue: the loop's per-message check is one
    /// volatile read instead of a queue probe. Non-zero implies a message can be dequeued.
    /// </summary>
    private int _systemPending;

    private readonly ChildRegistry _children = new();
    private readonly RestartStatistics _restarts = new();

    /// <summary>Cancelled when a stop is requested, to cut a restart backoff short.</summary>
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Completed when termination is complete (children stopped, PostStop run, watchers notified).</summary>
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The running incarnation; null before start, between restarts and after stop. Loop only.</summary>
    private Actor<TMessage>? _actor;

    /// <summary>Created on first use so actors without timers pay nothing. Loop only.</summary>
    private TimerScheduler<TMessage>? _timers;

    /// <summary>1 once a stop was requested or begun; new Tells after that are dead letters.</summary>
    private int _stopRequested;

    public ActorCell(ActorSystem system, IActorParent parent, Props<TMessage> props, string name)
    {
        _system = system;
        _parent = parent;
        _props = props;
        Name = name;
        Path = parent.Path + "/" + name;
        _context = new ActorContext<TMessage>(this);
        var mailbox = props.Mailbox.Capacity is { } capacity
            ? Channel.CreateBounded<Envelope<TMessage>>(new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
            })
            : Channel.CreateUnbounded<Envelope<TMessage>>(new UnboundedChannelOptions { SingleReader = true });
        _writer = mailbox.Writer;
        _reader = mailbox.Reader;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc cref="IActorRef.Path" />
    public string Path { get; }

    /// <inheritdoc />
    public ActorSystem System => _system;

    /// <inheritdoc />
    public Task WhenTerminated => _terminated.Task;

    /// <inheritdoc />
    IActorRef? IActorParent.AsRef => this;

    /// <inheritdoc />
    SupervisorStrategy IActorParent.ChildStrategy => _props.SupervisorStrategy ?? _system.Options.DefaultSupervisorStrategy;

    internal ActorContext<TMessage> Context => _context;

    internal IActorParent Parent => _parent;

    internal ChildRegistry Children => _children;

    internal TimerScheduler<TMessage> Timers => _timers ??= new TimerScheduler<TMessage>(this, _system.TimeProvider);

    private ILogger Log => _system.Logger;

    private bool IsStopRequested => Volatile.Read(ref _stopRequested) != 0;

    /// <inheritdoc />
    public void Tell(TMessage message)
    {
        if (!_writer.TryWrite(new Envelope<TMessage>(message, null)))
        {
            PublishUndelivered(message);
        }
    }

    /// <inheritdoc />
    public ValueTask TellAsync(TMessage message, CancellationToken cancellationToken = default)
    {
        var envelope = new Envelope<TMessage>(message, null);
        return _writer.TryWrite(envelope) ? default : WaitForRoomAsync(envelope, cancellationToken);
    }

    /// <inheritdoc />
    public Task<TReply> Ask<TReply>(Func<IActorRef<TReply>, TMessage> build, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        AskPattern.AskAsync(_system, this, build, timeout, cancellationToken);

    /// <inheritdoc />
    public void RequestStop()
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) != 0)
        {
            return;
        }

        EnqueueSystem(StopRequest.Instance);
        _stopping.Cancel();
    }

    /// <inheritdoc />
    void IActorParent.OnChildFailed(IActorRef child, Exception reason) => EnqueueSystem(new ChildFailed(child, reason));

    /// <inheritdoc />
    void IActorParent.OnChildTerminated(IInternalActorRef child) => _children.Remove(child);

    /// <inheritdoc />
    public override string ToString() => Path;

    /// <summary>Starts the loop on the thread pool; the caller never runs actor code.</summary>
    internal void Start() => _ = Task.Run(RunAsync);

    /// <summary>Queues a timer tick (timer thread). A full bounded mailbox drops it as a dead letter.</summary>
    internal void EnqueueTimerTick(TimerScheduler<TMessage>.Entry tick)
    {
        if (!_writer.TryWrite(new Envelope<TMessage>(default!, tick)) && !IsStopRequested)
        {
            _system.PublishDeadLetter(tick.Message, this, DeadLetterReason.MailboxFull);
        }
    }

    /// <summary>
    /// Queues a kernel message and wakes the loop. If the wake signal does not fit a full bounded mailbox,
    /// the loop is busy with queued messages and checks the system queue before the next one anyway.
    /// </summary>
    private void EnqueueSystem(SystemMessage message)
    {
        _systemMessages.Enqueue(message);
        Interlocked.Increment(ref _systemPending);
        _writer.TryWrite(new Envelope<TMessage>(default!, WakeSignal.Instance));
    }

    private async ValueTask WaitForRoomAsync(Envelope<TMessage> envelope, CancellationToken cancellationToken)
    {
        try
        {
            await _writer.WriteAsync(envelope, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            PublishUndelivered(envelope.Message);
        }
    }

    private void PublishUndelivered(TMessage message) =>
        _system.PublishDeadLetter(message, this, IsStopRequested ? DeadLetterReason.RecipientStopped : DeadLetterReason.MailboxFull);

    /// <summary>The actor's life: start, process until stopped. Any escape here is a kernel bug; it still terminates cleanly.</summary>
    private async Task RunAsync()
    {
        try
        {
            var failure = await TryStartIncarnationAsync().ConfigureAwait(false);
            if (failure is null || await HandleFailureAsync(failure).ConfigureAwait(false))
            {
                await ProcessMailboxAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            ActorLog.KernelFault(Log, Path, ex);
            Volatile.Write(ref _stopRequested, 1);
            _writer.TryComplete();
            FinishTermination();
        }
    }

    /// <summary>The hot loop: system messages first, then one user message at a time. Returns once the actor has stopped.</summary>
    private async Task ProcessMailboxAsync()
    {
        var reader = _reader;
        while (true)
        {
            if (Volatile.Read(ref _systemPending) != 0)
            {
                if (!await ProcessSystemMessagesAsync().ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            if (!reader.TryRead(out var envelope))
            {
                if (!await reader.WaitToReadAsync().ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            TMessage message;
            if (envelope.Control is null)
            {
                message = envelope.Message;
            }
            else if (envelope.Control is not TimerScheduler<TMessage>.Entry tick || _timers is null || !_timers.TryTake(tick, out message))
            {
                continue;
            }

            Exception? failure = null;
            try
            {
                await _actor!.OnReceiveAsync(message).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            if (failure is not null && !await HandleFailureAsync(failure).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>Drains the system queue. Returns false once the actor has stopped.</summary>
    private async ValueTask<bool> ProcessSystemMessagesAsync()
    {
        while (_systemMessages.TryDequeue(out var message))
        {
            Interlocked.Decrement(ref _systemPending);
            switch (message)
            {
                case StopRequest:
                    await StopSelfAsync().ConfigureAwait(false);
                    return false;

                case ChildFailed failed:
                    if (!await HandleFailureAsync(failed.Reason).ConfigureAwait(false))
                    {
                        return false;
                    }

                    break;

                case WatchedActorTerminated { Notification: var notification }:
                    if (!_watching.Remove(notification.Actor))
                    {
                        break; // unwatched meanwhile: the promise is no Terminated after Unwatch
                    }

                    Exception? failure = null;
                    try
                    {
                        await _actor!.OnTerminatedAsync(notification).ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        failure = ex;
                    }

                    if (failure is not null && !await HandleFailureAsync(failure).ConfigureAwait(false))
                    {
                        return false;
                    }

                    break;
            }
        }

        return true;
    }
}
