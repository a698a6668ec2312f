namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>
/// The edge-batch transport between sensors and detector shards: partitions, publish with confirm,
/// consume with ack and redelivery. In-process in the embedded mode (<see cref="InProcessEdgeTransport"/>),
/// RabbitMQ (<see cref="RabbitMq.RabbitMqEdgeTransport"/>: direct exchange keyed by partition → one quorum queue per partition) in a cluster.
/// </summary>
public interface IEdgeBatchTransport : IEdgeBatchPublisher, IEdgeBatchConsumer, IAsyncDisposable
{
    /// <summary>Counters of one partition.</summary>
    PartitionMetricsSnapshot GetMetrics(int partition);

    /// <summary>
    /// Stops accepting publishes (they return <see cref="PublishDropReason.ShuttingDown"/>), lets the
    /// subscribers drain and settle what they were given until <paramref name="cancellationToken"/>
    /// ends the wait, then stops all subscriptions. Whatever was not consumed stays counted as ready.
    /// </summary>
    ValueTask ShutdownAsync(CancellationToken cancellationToken = default);
}
