namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>The detector's side of the edge-batch transport: consume with ack.</summary>
public interface IEdgeBatchConsumer : IEdgePartitioning
{
    /// <summary>
    /// Starts delivering the batches of <paramref name="partitions"/> to <paramref name="handler"/>.
    /// A partition has at most one active consumer (RabbitMQ: single-active-consumer queues), so
    /// subscribing to a partition that already has one fails.
    /// </summary>
    ValueTask<IEdgeBatchSubscription> SubscribeAsync(
        IReadOnlyCollection<int> partitions,
        EdgeBatchHandler handler,
        SubscriptionOptions? options = null,
        CancellationToken cancellationToken = default);
}
