namespace NerfEngine.Shared.Fabric.Streams;

/// <summary>Connects an <see cref="IAsyncEnumerable{T}"/> source to the producer side of a <see cref="Stage{T}"/>.</summary>
public static class StagePump
{
    /// <summary>
    /// Writes every item of <paramref name="source"/> into <paramref name="stage"/> (waiting or dropping
    /// as the stage's overflow policy says), then completes the stage. If the source fails, the stage is
    /// completed with the source's exception: the consumer receives the buffered items and then sees the
    /// failure instead of a silent end.
    /// Cancellation completes the stage gracefully. The returned task never faults.
    /// </summary>
    public static Task PumpIntoAsync<T>(this IAsyncEnumerable<T> source, Stage<T> stage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(stage);
        return Task.Run(() => PumpAsync(source, stage, cancellationToken), CancellationToken.None);
    }

    private static async Task PumpAsync<T>(IAsyncEnumerable<T> source, Stage<T> stage, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (T item in source.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                await stage.WriteAsync(item, cancellationToken).ConfigureAwait(false);
            }

            stage.TryComplete();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stage.TryComplete();
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            // Someone else (a kill switch, the consumer) closed the stage; the source just stops.
        }
        catch (Exception failure)
        {
            stage.TryComplete(failure);
        }
    }
}
