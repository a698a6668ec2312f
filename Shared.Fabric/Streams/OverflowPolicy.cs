namespace NerfEngine.Shared.Fabric.Streams;

/// <summary>
/// What a bounded <see cref="Stage{T}"/> does when a producer writes while its buffer is full.
/// Every stage names one explicitly: there is no default, because the right answer depends on
/// whether the producer may wait (a file replay may) or must never stall (a capture ring must not).
/// </summary>
public enum OverflowPolicy
{
    /// <summary>The producer waits until the consumer makes room. Nothing is dropped.</summary>
    Backpressure,

    /// <summary>
    /// The incoming item is discarded and counted in <see cref="StageMetrics.Dropped"/>; the buffered
    /// items are kept. The producer never waits. This is what a ring reader uses: the oldest data is
    /// already on its way and the newest is the cheapest to lose.
    /// </summary>
    DropNewest,

    /// <summary>
    /// The oldest buffered item is evicted to make room and counted in <see cref="StageMetrics.Dropped"/>.
    /// The producer never waits. Use it when only recent data matters (for example live telemetry).
    /// </summary>
    DropOldest,
}
