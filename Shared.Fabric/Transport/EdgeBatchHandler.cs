namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>
/// Receives deliveries of one subscription. Deliveries of one partition arrive one at a time and in
/// order; different partitions may call it concurrently. Settling may happen inside the handler or
/// later (for example after the batch is persisted). A handler that throws without settling has its
/// delivery nacked with requeue.
/// </summary>
/// <param name="delivery">The batch and its ack/nack.</param>
/// <param name="cancellationToken">Cancelled when the subscription or the transport stops.</param>
public delegate ValueTask EdgeBatchHandler(EdgeBatchDelivery delivery, CancellationToken cancellationToken);
