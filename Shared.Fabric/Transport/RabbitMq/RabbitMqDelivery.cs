using System.Buffers;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace NerfEngine.Shared.Fabric.Transport.RabbitMq;

/// <summary>
/// A delivery from a partition's quorum queue. The body is copied into a pooled buffer because the
/// client recycles its own once the consumer callback returns, and our contract keeps the payload
/// valid until the delivery is settled.
/// </summary>
internal sealed class RabbitMqDelivery : EdgeBatchDelivery
{
    private readonly IChannel _channel;
    private readonly PartitionMetrics _metrics;
    private readonly int _deliveryLimit;
    private readonly Action<RabbitMqDelivery> _onSettled;

    /// <summary>The pooled copy of the body; returned to the pool once settled.</summary>
    private byte[]? _rented;

    /// <summary>0 while outstanding, 1 once settled (acked, nacked or revoked).</summary>
    private int _settled;

    public RabbitMqDelivery(
        IChannel channel, int partition, ulong deliveryTag, int deliveryCount, EdgeBatchMessage message, byte[] rented,
        PartitionMetrics metrics, int deliveryLimit, Action<RabbitMqDelivery> onSettled)
        : base(partition, deliveryTag, deliveryCount, message)
    {
        _channel = channel;
        _rented = rented;
        _metrics = metrics;
        _deliveryLimit = deliveryLimit;
        _onSettled = onSettled;
    }

    public override bool IsSettled => Volatile.Read(ref _settled) != 0;

    public override async ValueTask AckAsync(CancellationToken cancellationToken = default)
    {
        Claim();
        try
        {
            await _channel.BasicAckAsync(DeliveryTag, multiple: false, cancellationToken).ConfigureAwait(false);
            _metrics.RecordAcked();
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException)
        {
            // The channel closed under us: the broker requeues the batch and delivers it again.
        }
    }

    public override async ValueTask NackAsync(bool requeue, CancellationToken cancellationToken = default)
    {
        Claim();
        try
        {
            await _channel.BasicNackAsync(DeliveryTag, multiple: false, requeue, cancellationToken).ConfigureAwait(false);
            _metrics.RecordNacked();
            if (!requeue || DeliveryCount >= _deliveryLimit)
            {
                _metrics.RecordDeadLettered(); // no dead-letter exchange: the broker drops it, we count it
            }
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException)
        {
            // As for ack: the broker requeues it.
        }
    }

    /// <summary>Marks the delivery settled without telling the broker (its channel closed, so the broker requeued it).</summary>
    public void Revoke()
    {
        if (Interlocked.Exchange(ref _settled, 1) == 0)
        {
            Release();
        }
    }

    private void Claim()
    {
        if (Interlocked.Exchange(ref _settled, 1) != 0)
        {
            throw new InvalidOperationException(
                $"Delivery {DeliveryTag} of partition {Partition} is already settled (acked, nacked, or requeued when its subscription ended).");
        }

        Release();
    }

    private void Release()
    {
        // The payload must not be read after settling (EdgeBatchDelivery's contract), so the buffer can go back now.
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        _onSettled(this);
    }
}
