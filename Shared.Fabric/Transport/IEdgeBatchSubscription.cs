namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>
/// A running subscription. Disposing it stops deliveries, waits for running handler calls to return,
/// and requeues every delivery it has not settled (RabbitMQ: closing the consumer's channel).
/// </summary>
public interface IEdgeBatchSubscription : IAsyncDisposable
{
    /// <summary>The partitions this subscription consumes.</summary>
    IReadOnlyList<int> Partitions { get; }

    /// <summary>Handler calls that threw (their deliveries were nacked with requeue).</summary>
    long HandlerFaults { get; }
}
