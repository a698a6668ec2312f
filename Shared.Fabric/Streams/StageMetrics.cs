using System.Runtime.InteropServices;

namespace NerfEngine.Shared.Fabric.Streams;

/// <summary>
/// Counters of one <see cref="Stage{T}"/>. Every item a stage accepts ends up emitted, dropped, or
/// still buffered, so <c>Accepted = Emitted + Dropped + Buffered</c> holds whenever the stage is
/// quiet: a drop can never be silent.
/// </summary>
/// <remarks>
/// The producer and the consumer run on different threads and each bumps its own counter per item,
/// so the counters live on separate cache lines to keep them from bouncing between cores.
/// Accepted is incremented before the item enters the buffer, so a reader of these counters never
/// sees <c>Emitted + Dropped</c> exceed <c>Accepted</c>.
/// </remarks>
public sealed class StageMetrics
{
    private Counters _counters;

    /// <summary>Items the stage took from producers (whether later emitted or dropped).</summary>
    public long Accepted => Volatile.Read(ref _counters.Accepted);

    /// <summary>Items handed to the consumer.</summary>
    public long Emitted => Volatile.Read(ref _counters.Emitted);

    /// <summary>Items discarded by the overflow policy or by an abort.</summary>
    public long Dropped => Volatile.Read(ref _counters.Dropped);

    /// <summary>A consistent-enough copy for reporting (each counter read once).</summary>
    public StageMetricsSnapshot Snapshot() => new(Accepted, Emitted, Dropped);

    internal void RecordAccepted() => Interlocked.Increment(ref _counters.Accepted);

    /// <summary>Undoes <see cref="RecordAccepted"/> when the buffer refused the item after all.</summary>
    internal void RevokeAccepted() => Interlocked.Decrement(ref _counters.Accepted);

    internal void RecordEmitted() => Interlocked.Increment(ref _counters.Emitted);

    internal void RecordDropped() => Interlocked.Increment(ref _counters.Dropped);

    /// <summary>Each counter on its own 64-byte cache line (producer, consumer and dropper differ).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct Counters
    {
        [FieldOffset(0)] public long Accepted;
        [FieldOffset(64)] public long Emitted;
        [FieldOffset(128)] public long Dropped;
    }
}

/// <summary>A point-in-time copy of <see cref="StageMetrics"/>.</summary>
public readonly record struct StageMetricsSnapshot(long Accepted, long Emitted, long Dropped)
{
    /// <summary>Items accepted but neither emitted nor dropped yet.</summary>
    public long InFlight => Accepted - Emitted - Dropped;
}
