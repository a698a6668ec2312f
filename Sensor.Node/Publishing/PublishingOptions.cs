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
    /// quick succession (a replay at full speed seals one every few hundred microseconds, one per partition and window)
    /// reach the transport together instead of waking it once each. Each wake-up was several microseconds of the
    /// capture thread's CPU: at the default, a replay at full speed spends ≈4% less. It adds at most this much to a
    /// batch's latency (against a 50 ms window), and 64 buffered batches are far more than any capture seals in it.
    /// Zero publishes every batch as soon as it is sealed.
    /// </summary>
    public static readonly TimeSpan DefaultPublishLinger = TimeSpan.FromMilliseconds(1);

    /// <summary>EdgeBatch.sensor_id when none is configured.</summary>
    public const string DefaultSensorName = "sensor";

    /// <summary>See <see cref="DefaultMaxEdgesPerBatch"/>.</summary>
    public int MaxEdgesPerBatch { get; set; } = DefaultMaxEdgesPerBatch;

    /// <summary>See <see cref="DefaultBatchWindow"/>. Measured in event time on replay, wall time live.</summary>
    public TimeSpan BatchWindow { get; set; } = DefaultBatchWindow;

    /// <summary>See <see cref="DefaultPublishLinger"/>; at most <see cref="BatchWindow"/>.</summary>
    public TimeSpan PublishLinger { get; set; } = DefaultPublishLinger;

    /// <summary>See <see cref="DefaultOutboxCapacity"/>.</summary>
    public int OutboxCapacity { get; set; } = DefaultOutboxCapacity;

    /// <summary>
    /// What a full outbox does with the next batch. Live capture drops and counts (the ring reader
    /// must never stall); a file replay waits, because a file loses nothing by waiting.
    /// </summary>
    public OutboxFullPolicy WhenOutboxFull { get; set; } = OutboxFullPolicy.Drop;

    /// <summary>The sensor's name in every EdgeBatch (proto/edges.proto sensor_id).</summary>
    public string SensorName { get; set; } = DefaultSensorName;

    /// <summary>Throws when a setting is out of range, so a bad configuration fails at start-up.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEdgesPerBatch, 1, nameof(MaxEdgesPerBatch));
        // A batch must stay below protobuf's 2 GiB message limit with room to spare.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxEdgesPerBatch, 1 << 20, nameof(MaxEdgesPerBatch));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(BatchWindow, TimeSpan.Zero, nameof(BatchWindow));
        ArgumentOutOfRangeException.ThrowIfLessThan(PublishLinger, TimeSpan.Zero, nameof(PublishLinger));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PublishLinger, BatchWindow, nameof(PublishLinger));
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
