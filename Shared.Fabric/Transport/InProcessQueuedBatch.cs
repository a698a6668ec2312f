namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>
/// A batch held by an <see cref="InProcessPartition"/>, from confirm until ack or dead-letter.
/// Mutable fields are changed only under the partition's lock.
/// </summary>
internal sealed class InProcessQueuedBatch(EdgeBatchMessage message, byte[] rentedPayload)
{
    /// <summary>The message as delivered; its payload is a slice of <see cref="RentedPayload"/>.</summary>
    public EdgeBatchMessage Message { get; } = message;

    /// <summary>The transport's copy of the payload, rented from the byte pool and returned when the batch is done.</summary>
    public byte[] RentedPayload { get; } = rentedPayload;

    /// <summary>Deliveries so far.</summary>
    public int DeliveryCount { get; set; }

    /// <summary>True until first delivered: until then the batch occupies one of the partition's capacity slots.</summary>
    public bool HoldsCapacitySlot { get; set; } = true;
}
