namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>Settings of the <see cref="InProcessEdgeTransport"/> used by the embedded (one-process) mode.</summary>
/// <param name="PartitionCount">Partitions (detector shards).</param>
/// <param name="PartitionCapacity">
/// Published batches a partition holds before its overflow policy applies (batches handed to a
/// consumer no longer count). 64 batches of 4096 56-byte edges is about 15 MB per partition.
/// </param>
/// <param name="Overflow">Full partition: hold the publisher, or reject and count the drop.</param>
/// <param name="DeliveryLimit">
/// Deliveries of one batch before a requeue dead-letters it instead, so a poison batch cannot loop
/// forever (RabbitMQ quorum queues: <c>delivery-limit</c>, 20 by default since 4.0).
/// </param>
public sealed record InProcessTransportOptions(
    int PartitionCount = 8,
    int PartitionCapacity = 64,
    PartitionOverflow Overflow = PartitionOverflow.Backpressure,
    int DeliveryLimit = 20)
{
    /// <summary>Throws when a field is out of range, so a bad configuration fails at start-up.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(PartitionCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(PartitionCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(DeliveryLimit, 1);
        if (!Enum.IsDefined(Overflow))
        {
            throw new ArgumentOutOfRangeException(nameof(Overflow), Overflow, "Unknown partition overflow policy.");
        }
    }
}
