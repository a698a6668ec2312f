using NerfEngine.Shared.Fabric.Transport;

namespace NerfEngine.Sensor.Publishing;

/// <summary>A sealed, serialised batch waiting in the <see cref="EdgeBatchOutbox"/> for the transport.</summary>
/// <param name="PartitionKey">A destination node id of the batch; every edge in it maps to the same partition.</param>
/// <param name="Message">The serialised EdgeBatch with its transport headers.</param>
/// <param name="EdgeCount">Edges inside, so drops can be counted in edges as well as batches.</param>
/// <param name="FirstTimestampNs">Smallest edge timestamp in the batch.</param>
public sealed record OutgoingEdgeBatch(ulong PartitionKey, EdgeBatchMessage Message, int EdgeCount, ulong FirstTimestampNs);
