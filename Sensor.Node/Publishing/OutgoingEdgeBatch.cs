using NerfEngine.Shared.Fabric.Transport;

namespace NerfEngine.Sensor.Publishing;

/// <summary>A sealed, serialised batch waiting in the <see cref="EdgeBatchOutbox"/> for the transport.</summary>
/// <param name="PartitionKey">A destination node id of the batch; every edge in it maps to the same partition.</param>
/// <param name="Message">The serialised EdgeBatch with its transport headers.</param>
/// <param name="EdgeCount">Edges inside, so drops can be counted in edges as well as batches.</param>
/// <param name="FirstTimestampNs">Smallest edge timestamp in the batch.</param>
/// <param name="PooledPayload">
/// The array from <see cref="System.Buffers.ArrayPool{T}.Shared"/> behind <see cref="EdgeBatchMessage.Payload"/>, or null
/// when the payload is not pooled. The outbox returns it once the transport is done with the batch (published,
/// refused, failed, dropped or abandoned); a transport copies the payload before it confirms.
/// </param>
public sealed record OutgoingEdgeBatch(ulong PartitionKey, EdgeBatchMessage Message, int EdgeCount, ulong FirstTimestampNs, byte[]? PooledPayload = null);
