using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Transport;

namespace NerfEngine.Control.Engine;

/// <summary>
/// The one owner of a node's graph state. Every ingest, query and mutation is a message to the
/// engine's actor, so the hypergraph, detectors and sentinel see one thread at a time, whether
/// the caller is the transport, an MCP tool or the replay pipeline.
/// </summary>
public sealed class GraphEngine
{
    /// <summary>Mailbox bound: a transport consumer waits (backpressure) once this many messages queue.</summary>
    public const int DefaultMailboxCapacity = 1024;

    private readonly IActorRef<EngineMessage> _actor;

    public GraphEngine(ActorSystem system, EngineCore core, int mailboxCapacity = DefaultMailboxCapacity, string name = "graph-engine")
    {
        ArgumentNullException.ThrowIfNull(system);
        Core = core ?? throw new ArgumentNullException(nameof(core));
        _actor = system.Spawn(Props.Create(() => new GraphEngineActor(core)).WithMailbox(MailboxOptions.Bounded(mailboxCapacity)), name);
    }

    /// <summary>
    /// The engine's state. Read it only from inside <see cref="QueryAsync{T}"/>; the thread-safe
    /// parts (counters, suggestion queue, observation log) may be read anywhere.
    /// </summary>
    internal EngineCore Core { get; }

    /// <summary>Thread-safe counters of what the engine took in.</summary>
    public EngineCounters Counters => Core.Counters;

    /// <summary>Runs <paramref name="work"/> on the engine's thread and returns its result (or its exception).</summary>
    public async Task<T> QueryAsync<T>(Func<EngineCore, T> work, CancellationToken cancellationToken = default)
    {
        var call = new EngineCall<T>(work);
        await _actor.TellAsync(call, cancellationToken);
        return await call.Completion.WaitAsync(cancellationToken);
    }

    /// <summary>Applies a serialised EdgeBatch; throws <see cref="InvalidDataException"/> for a malformed one.</summary>
    public Task<BatchOutcome> IngestAsync(EdgeBatchMessage message, CancellationToken cancellationToken = default)
    {
        var payload = message.Payload;
        return QueryAsync(core => core.Ingest(message.SensorId, message.BatchSequence, payload.Span), cancellationToken);
    }

    /// <summary>Moves event time forward so windows still open (end of a replay) close and report.</summary>
    public Task AdvanceAsync(long nowNs, CancellationToken cancellationToken = default) =>
        QueryAsync(core => { core.Advance(nowNs); return true; }, cancellationToken);

    /// <summary>
    /// Consumes every partition of <paramref name="transport"/> into this engine: ack after the
    /// batch is applied; a malformed batch is nacked without requeue (dead-lettered and counted).
    /// </summary>
    public ValueTask<IEdgeBatchSubscription> SubscribeAsync(IEdgeBatchConsumer transport, CancellationToken cancellationToken = default) =>
        transport.SubscribeAsync(Enumerable.Range(0, transport.PartitionCount).ToArray(), async (delivery, ct) =>
        {
            try
            {
                await IngestAsync(delivery.Message, ct);
            }
            catch (InvalidDataException)
            {
                await delivery.NackAsync(requeue: false, ct);
                return;
            }
            await delivery.AckAsync(ct);
        }, cancellationToken: cancellationToken);
}

/// <summary>A message to the engine's actor.</summary>
internal abstract record EngineMessage
{
    public abstract void Run(EngineCore core);
}

/// <summary>Work with a typed result; failures go back to the caller, the engine keeps running.</summary>
internal sealed record EngineCall<T>(Func<EngineCore, T> Work) : EngineMessage
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Completion => _completion.Task;

    public override void Run(EngineCore core)
    {
        try
        {
            _completion.TrySetResult(Work(core));
        }
        catch (Exception ex)
        {
            _completion.TrySetException(ex);
        }
    }
}

/// <summary>Thin actor: runs each message against the core, one at a time.</summary>
internal sealed class GraphEngineActor(EngineCore core) : Actor<EngineMessage>
{
    protected override ValueTask OnReceiveAsync(EngineMessage message)
    {
        message.Run(core);
        return default;
    }
}
