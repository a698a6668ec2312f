using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;

namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>
/// One partition of the <see cref="InProcessEdgeTransport"/>: a queue of confirmed batches, a bounded
/// number of capacity slots for batches not yet delivered, the outstanding deliveries, and the counters.
/// </summary>
/// <remarks>
/// The queue itself is unbounded so that a nack can always requeue (a confirmed batch must never be
/// refused on its way back); the bound is enforced on publish by <see cref="_capacity"/>, whose slot a
/// batch gives back when it is first delivered. Bookkeeping that must agree (queue, gauges, outstanding
/// deliveries, shutdown) changes under <see cref="_gate"/>; it is per batch, not per edge, so a lock is cheap.
/// </remarks>
internal sealed class InProcessPartition
{
    private readonly InProcessTransportOptions _options;

    /// <summary>Free slots for published-but-undelivered batches; starts at the partition capacity.</summary>
    private readonly SemaphoreSlim _capacity;

    /// <summary>Batches ready for delivery, fresh and requeued. Written only under <see cref="_gate"/>.</summary>
    private readonly Channel<InProcessQueuedBatch> _queue =
        Channel.CreateUnbounded<InProcessQueuedBatch>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Lock _gate = new();

    /// <summary>Deliveries handed out and not settled, by delivery tag.</summary>
    private readonly Dictionary<ulong, InProcessDelivery> _unacked = [];

    /// <summary>Batches in <see cref="_queue"/>; kept alongside because the channel's count is not ours to lock.</summary>
    private int _ready;

    private ulong _lastDeliveryTag;

    /// <summary>False once shutdown began; checked under <see cref="_gate"/> before a batch is queued.</summary>
    private bool _accepting = true;

    /// <summary>The single active consumer, or null.</summary>
    private InProcessSubscription? _subscriber;

    /// <summary>Set by shutdown; completed when nothing more will be consumed here.</summary>
    private TaskCompletionSource? _drained;

    public InProcessPartition(int index, InProcessTransportOptions options)
    {
        Index = index;
        _options = options;
        _capacity = new SemaphoreSlim(options.PartitionCapacity, options.PartitionCapacity);
        Metrics = new PartitionMetrics(index);
    }

    public int Index { get; }

    public PartitionMetrics Metrics { get; }

    public ChannelReader<InProcessQueuedBatch> Queue => _queue.Reader;

    public PartitionMetricsSnapshot Snapshot()
    {
        lock (_gate)
        {
            return Metrics.Snapshot(_ready, _unacked.Count);
        }
    }

    /// <summary>Takes a capacity slot (waiting or not, per the overflow policy), copies the payload, queues the batch.</summary>
    public async ValueTask<PublishResult> PublishAsync(EdgeBatchMessage message, CancellationToken shutdown, CancellationToken cancellationToken)
    {
        Metrics.RecordPublished();
        if (!Volatile.Read(ref _accepting))
        {
            return Drop(PublishDropReason.ShuttingDown);
        }

        if (!_capacity.Wait(0))
        {
            if (_options.Overflow == PartitionOverflow.RejectPublish)
            {
                return Drop(PublishDropReason.PartitionFull);
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(shutdown, cancellationToken);
            try
            {
                await _capacity.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Drop(PublishDropReason.ShuttingDown);
            }
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(message.Payload.Length);
        message.Payload.Span.CopyTo(rented);
        var batch = new InProcessQueuedBatch(message with { Payload = rented.AsMemory(0, message.Payload.Length) }, rented);
        lock (_gate)
        {
            if (!_accepting)
            {
                _capacity.Release();
                ArrayPool<byte>.Shared.Return(rented);
                return Drop(PublishDropReason.ShuttingDown);
            }

            _ready++;
            bool written = _queue.Writer.TryWrite(batch);
            Debug.Assert(written, "The unbounded queue is never completed.");
        }

        Metrics.RecordConfirmed();
        return PublishResult.Confirmed;
    }

    /// <summary>Makes <paramref name="subscription"/> the partition's single active consumer.</summary>
    public void Attach(InProcessSubscription subscription)
    {
        lock (_gate)
        {
            if (_subscriber is not null)
            {
                throw new InvalidOperationException($"Partition {Index} already has an active consumer.");
            }

            _subscriber = subscription;
        }
    }

    /// <summary>
    /// Ends <paramref name="subscription"/>'s consumption: every delivery it has not settled is requeued,
    /// so a stopped or crashed consumer loses nothing.
    /// </summary>
    public void Detach(InProcessSubscription subscription)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_subscriber, subscription))
            {
                return;
            }

            _subscriber = null;
            foreach (InProcessDelivery delivery in _unacked.Values.ToArray())
            {
                SettleLocked(delivery, DeliveryOutcome.Revoke);
            }

            CheckDrainedLocked();
        }
    }

    /// <summary>
    /// Turns a batch read from <see cref="Queue"/> into a delivery for <paramref name="subscription"/>.
    /// Called by the subscription's dispatch loop, the queue's only reader.
    /// </summary>
    public InProcessDelivery BeginDelivery(InProcessQueuedBatch batch, InProcessSubscription subscription)
    {
        InProcessDelivery delivery;
        bool releaseSlot;
        lock (_gate)
        {
            _ready--;
            batch.DeliveryCount++;
            releaseSlot = batch.HoldsCapacitySlot;
            batch.HoldsCapacitySlot = false;
            delivery = new InProcessDelivery(this, subscription, ++_lastDeliveryTag, batch);
            _unacked.Add(delivery.DeliveryTag, delivery);
        }

        // Outside the lock: releasing may resume a waiting publisher.
        if (releaseSlot)
        {
            _capacity.Release();
        }

        Metrics.RecordDelivered(redelivery: delivery.DeliveryCount > 1);
        return delivery;
    }

    /// <summary>Acks or nacks a delivery exactly once.</summary>
    public void Settle(InProcessDelivery delivery, DeliveryOutcome outcome)
    {
        lock (_gate)
        {
            if (!_unacked.ContainsKey(delivery.DeliveryTag))
            {
                throw new InvalidOperationException(
                    $"Delivery {delivery.DeliveryTag} of partition {Index} is already settled " +
                    "(acked, nacked, or requeued when its subscription ended).");
            }

            SettleLocked(delivery, outcome);
            CheckDrainedLocked();
        }

        delivery.Subscription.ReleasePrefetchSlot(Index);
    }

    /// <summary>Stops accepting publishes. Returns a task that completes when the partition is drained or has no consumer.</summary>
    public Task BeginShutdown()
    {
        lock (_gate)
        {
            _accepting = false;
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            CheckDrainedLocked();
            return _drained.Task;
        }
    }

    private void SettleLocked(InProcessDelivery delivery, DeliveryOutcome outcome)
    {
        _unacked.Remove(delivery.DeliveryTag);
        delivery.MarkSettled();
        InProcessQueuedBatch batch = delivery.Batch;
        switch (outcome)
        {
            case DeliveryOutcome.Ack:
                Metrics.RecordAcked();
                Release(batch);
                break;
            case DeliveryOutcome.Requeue when batch.DeliveryCount < _options.DeliveryLimit:
                Metrics.RecordNacked();
                RequeueLocked(batch);
                break;
            case DeliveryOutcome.Requeue:
            case DeliveryOutcome.Discard:
                Metrics.RecordNacked();
                Metrics.RecordDeadLettered();
                Release(batch);
                break;
            case DeliveryOutcome.Revoke:
                RequeueLocked(batch);
                break;
        }
    }

    private void RequeueLocked(InProcessQueuedBatch batch)
    {
        _ready++;
        bool written = _queue.Writer.TryWrite(batch);
        Debug.Assert(written, "The unbounded queue is never completed.");
    }

    private void CheckDrainedLocked()
    {
        if (_drained is not null && (_subscriber is null || (_ready == 0 && _unacked.Count == 0)))
        {
            _drained.TrySetResult();
        }
    }

    private PublishResult Drop(PublishDropReason reason)
    {
        Metrics.RecordDropped();
        string detail = reason switch
        {
            PublishDropReason.PartitionFull => $"Partition {Index} is full ({_options.PartitionCapacity} batches) and rejects publishes.",
            PublishDropReason.ShuttingDown => "The in-process transport is shutting down.",
            _ => reason.ToString(),
        };
        return PublishResult.Dropped(reason, detail);
    }

    private static void Release(InProcessQueuedBatch batch) => ArrayPool<byte>.Shared.Return(batch.RentedPayload);
}
