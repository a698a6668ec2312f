namespace NerfEngine.Sensor.Publishing;

/// <summary>Counters of batching and publishing; every sealed batch is published, dropped, rejected, failed or still buffered.</summary>
/// <param name="BatchesSealed">Batches the batcher closed (by size, time or flush).</param>
/// <param name="BatchesPublished">Batches the transport confirmed.</param>
/// <param name="EdgesPublished">Edges in confirmed batches.</param>
/// <param name="BatchesDropped">Batches dropped because the outbox was full (<c>batches_dropped</c>).</param>
/// <param name="EdgesDropped">Edges in those batches (<c>edges_dropped</c>).</param>
/// <param name="BatchesRejected">Batches the transport refused (partition full, shutting down, broker nack).</param>
/// <param name="EdgesRejected">Edges in refused batches.</param>
/// <param name="BatchesFailed">Batches whose publish threw (see <paramref name="LastError"/>), or abandoned at shutdown.</param>
/// <param name="Buffered">Batches waiting in the outbox now.</param>
/// <param name="LastError">The latest publish failure, or null.</param>
public sealed record PublishingStats(
    long BatchesSealed,
    long BatchesPublished,
    long EdgesPublished,
    long BatchesDropped,
    long EdgesDropped,
    long BatchesRejected,
    long EdgesRejected,
    long BatchesFailed,
    int Buffered,
    string? LastError)
{
    /// <summary>Nothing batched yet (an engine that has not started).</summary>
    public static PublishingStats Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, null);
}
