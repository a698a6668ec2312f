namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>
/// One delivery of an <see cref="EdgeBatchMessage"/> to a subscriber. It must be settled exactly once:
/// <see cref="AckAsync"/> when the batch is processed (it is then gone for good), or
/// <see cref="NackAsync"/> to hand it back (requeued for redelivery, or discarded). A delivery that
/// is never settled stays outstanding and counts against the subscription's prefetch; when the
/// subscription ends it is requeued, so a consumer crash loses no batch.
/// </summary>
/// <remarks>
/// <see cref="Message"/>'s payload is valid until the delivery is settled or its subscription is
/// disposed (transports recycle the buffer, as RabbitMQ.Client does with a delivery body); copy out
/// what must outlive that.
/// </remarks>
public abstract class EdgeBatchDelivery
{
    /// <summary>Creates the transport-independent part of a delivery.</summary>
    protected EdgeBatchDelivery(int partition, ulong deliveryTag, int deliveryCount, EdgeBatchMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Partition = partition;
        DeliveryTag = deliveryTag;
        DeliveryCount = deliveryCount;
        Message = message;
    }

    /// <summary>The partition the batch was published to.</summary>
    public int Partition { get; }

    /// <summary>Identifies the delivery within its partition (RabbitMQ: the channel's delivery tag).</summary>
    public ulong DeliveryTag { get; }

    /// <summary>How many times the batch has been delivered, this time included (RabbitMQ: <c>x-delivery-count</c> + 1).</summary>
    public int DeliveryCount { get; }

    /// <summary>True when the batch was delivered before and not acknowledged: process idempotently (by <see cref="EdgeBatchMessage.BatchSequence"/>).</summary>
    public bool Redelivered => DeliveryCount > 1;

    /// <summary>The batch.</summary>
    public EdgeBatchMessage Message { get; }

    /// <summary>True once acked, nacked, or taken back by the end of the subscription.</summary>
    public abstract bool IsSettled { get; }

    /// <summary>The batch is processed; it will not be delivered again. Throws if already settled.</summary>
    public abstract ValueTask AckAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The batch was not processed. With <paramref name="requeue"/> it is delivered again (unless its
    /// delivery limit is reached, then it is dead-lettered and counted); without, it is discarded and
    /// counted as dead-lettered. Throws if already settled.
    /// </summary>
    public abstract ValueTask NackAsync(bool requeue, CancellationToken cancellationToken = default);
}
