namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>The live counters of one partition; read through <see cref="PartitionMetricsSnapshot"/>.</summary>
internal sealed class PartitionMetrics
{
    private long _published;
    private long _confirmed;
    private long _dropped;
    private long _delivered;
    private long _redelivered;
    private long _acked;
    private long _nacked;
    private long _deadLettered;

    public PartitionMetrics(int partition) => Partition = partition;

    /// <summary>The partition these counters belong to.</summary>
    public int Partition { get; }

    /// <summary>A copy of the counters; <paramref name="ready"/> and <paramref name="unacked"/> are the current gauges.</summary>
    public PartitionMetricsSnapshot Snapshot(int ready, int unacked) => new(
        Partition,
        Published: Volatile.Read(ref _published),
        Confirmed: Volatile.Read(ref _confirmed),
        Dropped: Volatile.Read(ref _dropped),
        Delivered: Volatile.Read(ref _delivered),
        Redelivered: Volatile.Read(ref _redelivered),
        Acked: Volatile.Read(ref _acked),
        Nacked: Volatile.Read(ref _nacked),
        DeadLettered: Volatile.Read(ref _deadLettered),
        Ready: ready,
        Unacked: unacked);

    public void RecordPublished() => Interlocked.Increment(ref _published);

    public void RecordConfirmed() => Interlocked.Increment(ref _confirmed);

    public void RecordDropped() => Interlocked.Increment(ref _dropped);

    public void RecordDelivered(bool redelivery)
    {
        Interlocked.Increment(ref _delivered);
        if (redelivery)
        {
            Interlocked.Increment(ref _redelivered);
        }
    }

    public void RecordAcked() => Interlocked.Increment(ref _acked);

    public void RecordNacked() => Interlocked.Increment(ref _nacked);

    public void RecordDeadLettered() => Interlocked.Increment(ref _deadLettered);
}

/// <summary>
/// A point-in-time copy of a partition's counters and gauges. A confirmed batch is later acked,
/// dead-lettered, or still ready/unacked, so <c>Confirmed = Acked + DeadLettered + Ready + Unacked</c>
/// when quiet; a publish is either confirmed or dropped, so nothing disappears without a count.
/// </summary>
/// <param name="Partition">The partition.</param>
/// <param name="Published">Publish calls routed here (including ones still waiting for room or cancelled by their caller).</param>
/// <param name="Confirmed">Publishes accepted (confirmed to the publisher).</param>
/// <param name="Dropped">Publishes refused (partition full, shutting down), each counted once.</param>
/// <param name="Delivered">Deliveries to subscribers, redeliveries included.</param>
/// <param name="Redelivered">Deliveries of batches that had been delivered before.</param>
/// <param name="Acked">Deliveries acknowledged: batches done.</param>
/// <param name="Nacked">Deliveries negatively acknowledged (requeued or discarded).</param>
/// <param name="DeadLettered">Batches given up on: nacked without requeue, or past the delivery limit.</param>
/// <param name="Ready">Batches waiting for delivery now.</param>
/// <param name="Unacked">Batches delivered and not yet settled now.</param>
public readonly record struct PartitionMetricsSnapshot(
    int Partition,
    long Published,
    long Confirmed,
    long Dropped,
    long Delivered,
    long Redelivered,
    long Acked,
    long Nacked,
    long DeadLettered,
    int Ready,
    int Unacked);
