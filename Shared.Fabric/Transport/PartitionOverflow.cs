namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>
/// What a partition does when a publish finds it full. Unlike a stream stage there is no "drop
/// oldest": the buffered batches were already confirmed to their publishers, so evicting one would
/// break the confirm.
/// </summary>
public enum PartitionOverflow
{
    /// <summary>The publish waits until the partition has room.</summary>
    Backpressure,

    /// <summary>
    /// The publish returns <see cref="PublishDropReason.PartitionFull"/> at once and the drop is counted
    /// (RabbitMQ: a queue with <c>x-overflow: reject-publish</c>).
    /// </summary>
    RejectPublish,
}
