using System.Buffers;
using System.Collections.Concurrent;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace NerfEngine.Shared.Fabric.Transport.RabbitMq;

/// <summary>
/// A subscription of the <see cref="RabbitMqEdgeTransport"/>: one channel and one consumer per
/// partition queue. A channel dispatches its deliveries one at a time (consumer dispatch concurrency 1),
/// which is what keeps a partition in order; separate channels let partitions run in parallel.
/// The channel's prefetch (<c>basic.qos</c>) bounds the unsettled deliveries of its partition.
/// </summary>
internal sealed class RabbitMqSubscription : IEdgeBatchSubscription
{
    private readonly RabbitMqEdgeTransport _transport;
    private readonly EdgeBatchHandler _handler;
    private readonly SubscriptionOptions _options;

    /// <summary>Cancelled when the subscription stops; the token handlers receive.</summary>
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Per partition slot: its channel, consumer tag and a gate held while the handler runs.</summary>
    private readonly PartitionConsumer[] _consumers;

    private long _handlerFaults;
    private int _disposed;

    public RabbitMqSubscription(RabbitMqEdgeTransport transport, int[] partitions, EdgeBatchHandler handler, SubscriptionOptions options)
    {
        _transport = transport;
        _handler = handler;
        _options = options;
        _consumers = partitions.Select(p => new PartitionConsumer(p)).ToArray();
        Partitions = Array.AsReadOnly(partitions);
    }

    public IReadOnlyList<int> Partitions { get; }

    public long HandlerFaults => Interlocked.Read(ref _handlerFaults);

    /// <summary>Opens a channel and starts a consumer per partition; on failure closes what it opened.</summary>
    public async Task StartAsync(IConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            foreach (PartitionConsumer slot in _consumers)
            {
                IChannel channel = await connection.CreateChannelAsync(
                    new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: 1),
                    cancellationToken).ConfigureAwait(false);
                slot.Channel = channel;
                channel.ChannelShutdownAsync += (_, _) =>
                {
                    // The broker requeues what this channel held; those deliveries can no longer be settled.
                    slot.RevokeAll();
                    return Task.CompletedTask;
                };
                await channel.BasicQosAsync(0, (ushort)Math.Min(_options.Prefetch, ushort.MaxValue), global: false, cancellationToken).ConfigureAwait(false);
                var consumer = new AsyncEventingBasicConsumer(channel);
                consumer.ReceivedAsync += (_, args) => OnReceivedAsync(slot, args);
                slot.ConsumerTag = await channel.BasicConsumeAsync(
                    _transport.Options.QueueName(slot.Partition), autoAck: false, consumerTag: string.Empty, noLocal: false, exclusive: false,
                    arguments: null, consumer, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await StopConsumersAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Unsettled deliveries of <paramref name="partition"/> held by this subscription now.</summary>
    public int Unacked(int partition) => _consumers.FirstOrDefault(c => c.Partition == partition)?.Outstanding.Count ?? 0;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await StopConsumersAsync().ConfigureAwait(false);
        _transport.Forget(this);
        _stop.Dispose();
    }

    /// <summary>Cancels each consumer, waits for its running handler, closes its channel (the broker requeues what was unsettled).</summary>
    private async Task StopConsumersAsync()
    {
        foreach (PartitionConsumer slot in _consumers)
        {
            if (slot.Channel is not { } channel)
            {
                continue;
            }

            try
            {
                if (slot.ConsumerTag is { } tag && channel.IsOpen)
                {
                    await channel.BasicCancelAsync(tag, noWait: false).ConfigureAwait(false);
                }
            }
            catch (Exception)
            {
                // Closing below ends the consumer anyway.
            }

            await slot.HandlerGate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (channel.IsOpen)
                {
                    await channel.CloseAsync().ConfigureAwait(false);
                }
            }
            catch (Exception)
            {
                // Already closed by the broker or the connection; its deliveries are requeued either way.
            }
            finally
            {
                slot.RevokeAll();
                await channel.DisposeAsync().ConfigureAwait(false);
                slot.HandlerGate.Release();
            }
        }
    }

    private async Task OnReceivedAsync(PartitionConsumer slot, BasicDeliverEventArgs args)
    {
        CancellationToken stop;
        try
        {
            stop = _stop.Token;
        }
        catch (ObjectDisposedException)
        {
            return; // disposed: the broker requeues the delivery when the channel closes
        }

        await slot.HandlerGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (stop.IsCancellationRequested)
            {
                return;
            }

            RabbitMqDelivery delivery = CreateDelivery(slot, args);
            try
            {
                await _handler(delivery, stop).ConfigureAwait(false);
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref _handlerFaults);
                if (!delivery.IsSettled)
                {
                    try
                    {
                        await delivery.NackAsync(requeue: true, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (InvalidOperationException)
                    {
                        // Settled concurrently by the handler after all.
                    }
                }
            }
            catch (Exception)
            {
                // Stopping: an unsettled delivery is requeued when the channel closes.
            }
        }
        finally
        {
            slot.HandlerGate.Release();
        }
    }

    private RabbitMqDelivery CreateDelivery(PartitionConsumer slot, BasicDeliverEventArgs args)
    {
        IReadOnlyBasicProperties properties = args.BasicProperties;
        int deliveryCount = RabbitMqHeaders.DeliveryCount(properties, args.Redelivered);
        byte[] rented = ArrayPool<byte>.Shared.Rent(args.Body.Length);
        args.Body.Span.CopyTo(rented);
        var message = new EdgeBatchMessage(
            properties.AppId ?? string.Empty, RabbitMqHeaders.BatchSequence(properties), rented.AsMemory(0, args.Body.Length));
        PartitionMetrics metrics = _transport.MetricsOf(slot.Partition);
        var delivery = new RabbitMqDelivery(
            slot.Channel!, slot.Partition, args.DeliveryTag, deliveryCount, message, rented, metrics, _transport.Options.DeliveryLimit,
            d => slot.Outstanding.TryRemove(d.DeliveryTag, out _));
        slot.Outstanding[args.DeliveryTag] = delivery;
        metrics.RecordDelivered(redelivery: deliveryCount > 1);
        return delivery;
    }

    /// <summary>The consumer of one partition.</summary>
    private sealed class PartitionConsumer(int partition)
    {
        public int Partition { get; } = partition;

        public IChannel? Channel { get; set; }

        public string? ConsumerTag { get; set; }

        /// <summary>Held while a handler call runs, so stopping can wait for it.</summary>
        public SemaphoreSlim HandlerGate { get; } = new(1, 1);

        /// <summary>Deliveries handed to the handler and not settled, by delivery tag.</summary>
        public ConcurrentDictionary<ulong, RabbitMqDelivery> Outstanding { get; } = new();

        public void RevokeAll()
        {
            foreach (RabbitMqDelivery delivery in Outstanding.Values)
            {
                delivery.Revoke();
            }
        }
    }
}
