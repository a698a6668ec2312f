namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>The sensor's side of the edge-batch transport: publish with confirm.</summary>
public interface IEdgeBatchPublisher : IEdgePartitioning
{
    /// <summary>
    /// Publishes a batch to the partition of <paramref name="partitionKey"/> (a node id). Completes
    /// when the transport has durably accepted the batch (<see cref="PublishResult.Confirmed"/>) or has
    /// counted it as dropped; a full partition either holds this call (backpressure) or drops,
    /// as the transport is configured. The payload is copied, so the buffer may be reused afterwards.
    /// Cancellation abandons a publish that is still waiting for room (it is then neither confirmed
    /// nor dropped).
    /// </summary>
    ValueTask<PublishResult> PublishAsync(ulong partitionKey, EdgeBatchMessage message, CancellationToken cancellationToken = default);
}
