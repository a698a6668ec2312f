namespace NerfEngine.Sensor.Publishing;

/// <summary>
/// Settings of edge batching and publishing (configuration section <c>Publishing</c>); defaults are
/// the SPEC's GroupedWithin(4096, 50 ms) and a 64-batch buffer in front of the transport.
/// </summary>
public sealed class PublishingOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Publishing";

    /// <summary>Edges that close a batch at once (4096 × 56 bytes ≈ 224 KiB of records).</summary>
    public const int DefaultMaxEdgesPerBatch = 4_096;

    /// <summary>Longest time a batch stays open after its first edge.</summary>
    public static readonly TimeSpan DefaultBatchWindow = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Sealed batches buffered while the transport is slow; past it the newest batch is dropped and
    /// counted, so the capture reader never waits (64 × 224 KiB ≈ 14 MiB).
    /// </summary>
    public const int DefaultOutboxCapacity = 64;

    /// <summary>
    /// How long the publish loop pauses after handing the transport what the outbox held, so that batches sealed in
    /// quick succession (a replay at full speed seals one every hundred microseconds or so, one per partition and window)
    /// reach the transport together instead of waking it once each; a buffer half full ends the pause at once. Each
    /// wake-up cost the capture thread's core several microseconds: a one-thread replay at full speed spends ≈4% less
    /// CPU with it. It adds at most this much to a batch's latency, against a 50 ms window.
    /// </summary>
    /// <remarks>
    /// The default (<see cref="PublishLinger"/> unset) lingers wherever the capture leaves a core to the publisher: live
    /// capture, paced and one-thread replays. A two-thread replay at full speed takes both cores of a small machine, and
    /// there the gathered bursts of publishing stalled both replay threads at once (≈5% more CPU, ≈8% more wall time
    /// on 2 CPUs), so it publishes each batch as it is sealed. Zero means that everywhere.
    /// </remarks>
    public static readonly TimeSpan DefaultPublishLinger = TimeSpan.FromMilliseconds(1);

    /// <summary>EdgeBatch.sensor_id when none is configured.</summary>
    public const string DefaultSensorName = "sensor";

    /// <summary>See <see cref="DefaultMaxEdgesPerBatch"/>.</summary>
    public int MaxEdgesPerBatch { get; set; } = DefaultMaxEdgesPerBatch;

    /// <summary>See <see cref="DefaultBatchWindow"/>. Measured in event time on replay, wall time live.</summary>
    public TimeSpan BatchWindow { get; set; } = DefaultBatchWindow;

    /// <summary>See <see cref="DefaultPublishLinger"/>; at most <see cref="BatchWindow"/>; null: the default, by capture.</summary>
    public TimeSpan? PublishLinger { get; set; }

    /// <summary>See <see cref="DefaultOutboxCapacity"/>.</summary>
    public int OutboxCapacity { get; set; } = DefaultOutboxCapacity;

    /// <summary>
    /// What a full outbox does with the next batch. Live capture drops and counts (the ring reader
    /// must never stall); a file replay waits, because a file loses nothing by waiting.
    /// </summary>
    public OutboxFullPolicy WhenOutboxFull { get; set; } = OutboxFullPolicy.Drop;

    /// <summary>The sensor's name in every EdgeBatch (proto/edges.proto sensor_id).</summary>
    public string SensorName { get; set; } = DefaultSensorName;

    /// <summary>These settings with <see cref="PublishLinger"/> set to <paramref name="linger"/>.</summary>
    public PublishingOptions WithPublishLinger(TimeSpan linger)
    {
        PublishingOptions copy = Copy();
        copy.PublishLinger = linger;
        return copy;
    }

    /// <summary>These settings under another <see cref="SensorName"/>.</summary>
    public PublishingOptions WithSensorName(string sensorName)
    {
        PublishingOptions copy = Copy();
        copy.SensorName = sensorName;
        return copy;
    }

    /// <summary>Every setting copied (all are values or immutable), so a new setting is never left out of a copy.</summary>
    private PublishingOptions Copy() => (PublishingOptions)MemberwiseClone();

    /// <summary>Throws when a setting is out of range, so a bad configuration fails at start-up.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEdgesPerBatch, 1, nameof(MaxEdgesPerBatch));
        // A batch must stay below protobuf's 2 GiB message limit with room to spare.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxEdgesPerBatch, 1 << 20, nameof(MaxEdgesPerBatch));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(BatchWindow, TimeSpan.Zero, nameof(BatchWindow));
        if (PublishLinger is { } linger)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(linger, TimeSpan.Zero, nameof(PublishLinger));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(linger, BatchWindow, nameof(PublishLinger));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(OutboxCapacity, 1, nameof(OutboxCapacity));
        ArgumentException.ThrowIfNullOrWhiteSpace(SensorName, nameof(SensorName));
    }
}

/// <summary>What <see cref="EdgeBatchOutbox"/> does when its buffer is full.</summary>
public enum OutboxFullPolicy
{
    /// <summary>Drop the newest batch and count it (<c>batches_dropped</c>, <c>edges_dropped</c>): live capture.</summary>
    Drop,

    /// <summary>Hold the producer until the transport takes a batch: offline replay of a file.</summary>
    Wait,
}
