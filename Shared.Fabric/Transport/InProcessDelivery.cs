namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>A delivery of the in-process transport; settling goes straight to its partition.</summary>
internal sealed class InProcessDelivery : EdgeBatchDelivery
{
    private readonly InProcessPartition _partition;

    /// <summary>0 while outstanding, 1 once settled; set by the partition under its lock.</summary>
    private int _settled;

    public InProcessDelivery(
        InProcessPartition partition,
        InProcessSubscription subscription,
        ulong deliveryTag,
        InProcessQueuedBatch batch)
        : base(partition.Index, deliveryTag, batch.DeliveryCount, batch.Message)
    {
        _partition = partition;
        Subscription = subscription;
        Batch = batch;
    }

    /// <summary>The subscription whose prefetch slot this delivery holds.</summary>
    public InProcessSubscription Subscription { get; }

    /// <summary>The queued batch, requeued or released when settled.</summary>
    public InProcessQueuedBatch Batch { get; }

    public override bool IsSettled => Volatile.Read(ref _settled) != 0;

    public override ValueTask AckAsync(CancellationToken cancellationToken = default)
    {
        _partition.Settle(this, DeliveryOutcome.Ack);
        return ValueTask.CompletedTask;
    }

    public override ValueTask NackAsync(bool requeue, CancellationToken cancellationToken = default)
    {
        _partition.Settle(this, requeue ? DeliveryOutcome.Requeue : DeliveryOutcome.Discard);
        return ValueTask.CompletedTask;
    }

    /// <summary>Marks the delivery settled; called by the partition under its lock.</summary>
    public void MarkSettled() => Volatile.Write(ref _settled, 1);
}

/// <summary>How a delivery ends.</summary>
internal enum DeliveryOutcome
{
    /// <summary>Processed; release the batch.</summary>
    Ack,

    /// <summary>Not processed; deliver again (or dead-letter past the limit).</summary>
    Requeue,

    /// <summary>Not processed; give up on it.</summary>
    Discard,

    /// <summary>The subscription ended before settling; deliver again to the next consumer.</summary>
    Revoke,
}
