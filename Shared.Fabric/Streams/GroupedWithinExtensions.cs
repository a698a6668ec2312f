using System.Buffers;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace NerfEngine.Shared.Fabric.Streams;

/// <summary>
/// <c>GroupedWithin(count, time)</c> as an <see cref="IAsyncEnumerable{T}"/> of pooled batches.
/// A batch is emitted when <c>maxCount</c> items are collected or <c>window</c> has passed since its
/// first item, whichever comes first; never empty; the remainder is flushed on completion.
/// For a caller-owned buffer and no per-batch object at all, use <see cref="GroupedWithinReader{T}"/>.
/// </summary>
public static class GroupedWithinExtensions
{
    /// <summary>Groups the items of a channel (usually <see cref="Stage{T}.Reader"/>).</summary>
    /// <remarks>Each batch must be disposed by the consumer; a batch in progress when the enumeration
    /// ends is returned to the pool here.</remarks>
    public static async IAsyncEnumerable<PooledBatch<T>> GroupedWithin<T>(
        this ChannelReader<T> reader,
        int maxCount,
        TimeSpan window,
        TimeProvider timeProvider,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArrayPool<T> pool = ArrayPool<T>.Shared;
        using var grouper = new GroupedWithinReader<T>(reader, maxCount, window, timeProvider);
        while (true)
        {
            T[] array = pool.Rent(maxCount);
            int count;
            try
            {
                count = await grouper.ReadBatchAsync(array.AsMemory(0, maxCount), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                pool.Return(array);
                throw;
            }

            if (count == 0)
            {
                pool.Return(array);
                yield break;
            }

            yield return new PooledBatch<T>(array, count, pool);
        }
    }

    /// <summary>
    /// Groups an asynchronous sequence: the sequence is pumped into a bounded <see cref="Stage{T}"/>
    /// built from <paramref name="buffer"/> (whose overflow policy decides whether a slow consumer
    /// holds the producer or costs counted drops), and the stage is grouped.
    /// </summary>
    /// <param name="source">The items; enumerated on a background task.</param>
    /// <param name="maxCount">Batch size that closes a batch at once.</param>
    /// <param name="window">Longest time a batch stays open after its first item.</param>
    /// <param name="buffer">The stage between the source and the grouping.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="onStage">Receives the stage before the first item, so its metrics can be watched.</param>
    /// <param name="cancellationToken">Stops the pump and the grouping.</param>
    /// <remarks>A failing source fails the enumeration after the items it produced have been emitted.</remarks>
    public static async IAsyncEnumerable<PooledBatch<T>> GroupedWithin<T>(
        this IAsyncEnumerable<T> source,
        int maxCount,
        TimeSpan window,
        StageOptions buffer,
        TimeProvider timeProvider,
        Action<Stage<T>>? onStage = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var stage = new Stage<T>(buffer);
        onStage?.Invoke(stage);
        using var pumpCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task pump = source.PumpIntoAsync(stage, pumpCancellation.Token);
        try
        {
            await foreach (PooledBatch<T> batch in stage.Reader.GroupedWithin(maxCount, window, timeProvider, cancellationToken).ConfigureAwait(false))
            {
                yield return batch;
            }
        }
        finally
        {
            await pumpCancellation.CancelAsync().ConfigureAwait(false);
            // The pump reports its failure through the stage; here it only has to have stopped.
            await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
