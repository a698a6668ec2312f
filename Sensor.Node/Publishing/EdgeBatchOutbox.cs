using System.Buffers;
using NerfEngine.Shared.Fabric.Streams;
using NerfEngine.Shared.Fabric.Transport;

namespace NerfEngine.Sensor.Publishing;

/// <summary>
/// The bounded buffer between the capture thread and the transport: <see cref="TryEnqueue"/> never
/// waits, and a background loop publishes the buffered batches in order. When the transport is slower
/// than capture and the buffer is full, the newest batch is dropped and counted in batches and edges
/// (<c>batches_dropped</c>, <c>edges_dropped</c>): capture never stalls, and loss is always visible.
/// Its sequence number is then missing downstream, which is how consumers see the gap.
/// </summary>
/// <remarks>
/// The buffer is a <see cref="Stage{T}"/> in <see cref="OverflowPolicy.Backpressure"/> mode written only
/// with <see cref="Stage{T}.TryWrite"/>: a full stage refuses the batch and hands it back, so its edges
/// can be counted (a drop policy would discard it without saying which batch it was).
/// After each round of publishing the loop lingers (<see cref="PublishingOptions.PublishLinger"/>), so batches
/// sealed close together are published in one round rather than one wake-up each.
/// </remarks>
public sealed class EdgeBatchOutbox : IAsyncDisposable
{
    private readonly IEdgeBatchPublisher _publisher;
    private readonly Stage<OutgoingEdgeBatch> _stage;
    private readonly CancellationTokenSource _stopping = new();
    private readonly OutboxFullPolicy _whenFull;
    private readonly TimeSpan _linger;

    /// <summary>Ends a linger early: released by the producer when the buffer reaches <see cref="_wakeEarlyAt"/>.</summary>
    private readonly SemaphoreSlim _wakeEarly = new(0);
    private readonly int _wakeEarlyAt;
    private readonly Task _loop;

    /// <summary>1 while the publish loop lingers and may be woken early.</summary>
    private int _lingering;

    private long _batchesSealed;
    private long _batchesPublished;
    private long _edgesPublished;
    private long _batchesDropped;
    private long _edgesDropped;
    private long _batchesRejected;
    private long _edgesRejected;
    private long _batchesFailed;
    private string? _lastError;

    /// <summary>Creates the outbox and starts its publish loop.</summary>
    public EdgeBatchOutbox(IEdgeBatchPublisher publisher, PublishingOptions options)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _publisher = publisher;
        _whenFull = options.WhenOutboxFull;
        _linger = options.PublishLinger ?? PublishingOptions.DefaultPublishLinger;
        _wakeEarlyAt = Math.Max(1, options.OutboxCapacity / 2);
        _stage = new Stage<OutgoingEdgeBatch>(new StageOptions("edge-batches", options.OutboxCapacity, OverflowPolicy.Backpressure));
        _loop = Task.Run(PublishLoopAsync);
    }

    /// <summary>The partitioning of the transport behind the outbox (batches are grouped by it).</summary>
    public IEdgePartitioning Partitioning => _publisher;

    /// <summary>Hands a sealed batch over without waiting; false when it was dropped (buffer full or completed).</summary>
    public bool TryEnqueue(OutgoingEdgeBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Interlocked.Increment(ref _batchesSealed);
        if (_stage.TryWrite(batch))
        {
            EndLingerIfFilling();
            return true;
        }
        // Wait policy (file replay): block the producing loop until the publish loop frees room. The
        // replay loop is the only producer and runs on its own task, so blocking it is the backpressure.
        if (_whenFull == OutboxFullPolicy.Wait && WaitForRoom(batch))
        {
            return true;
        }

        Interlocked.Increment(ref _batchesDropped);
        Interlocked.Add(ref _edgesDropped, batch.EdgeCount);
        ReturnPayload(batch);
        return false;
    }

    /// <summary>
    /// A lingering loop is woken as soon as the buffer is half full: with both cores busy a 1 ms timer can fire
    /// several milliseconds late, and a full buffer would then drop batches (live) or hold the replay (file).
    /// </summary>
    private void EndLingerIfFilling()
    {
        if (Volatile.Read(ref _lingering) == 1 && _stage.Buffered >= _wakeEarlyAt && Interlocked.Exchange(ref _lingering, 0) == 1)
        {
            _wakeEarly.Release();
        }
    }

    private bool WaitForRoom(OutgoingEdgeBatch batch)
    {
        try
        {
            _stage.WriteAsync(batch, _stopping.Token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Accepts no more batches and waits until the buffered ones are published. When
    /// <paramref name="cancellationToken"/> ends the wait, what is left is abandoned and counted as failed.
    /// </summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        _stage.TryComplete();
        using CancellationTokenRegistration registration = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _stopping);
        await _loop.ConfigureAwait(false);
    }

    /// <summary>A copy of the counters; safe from any thread.</summary>
    public PublishingStats GetStats() => new(
        BatchesSealed: Interlocked.Read(ref _batchesSealed),
        BatchesPublished: Interlocked.Read(ref _batchesPublished),
        EdgesPublished: Interlocked.Read(ref _edgesPublished),
        BatchesDropped: Interlocked.Read(ref _batchesDropped),
        EdgesDropped: Interlocked.Read(ref _edgesDropped),
        BatchesRejected: Interlocked.Read(ref _batchesRejected),
        EdgesRejected: Interlocked.Read(ref _edgesRejected),
        BatchesFailed: Interlocked.Read(ref _batchesFailed),
        Buffered: _stage.Buffered,
        LastError: Volatile.Read(ref _lastError));

    /// <summary>Stops at once: buffered batches are abandoned (counted as failed).</summary>
    public async ValueTask DisposeAsync()
    {
        _stage.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
        // _wakeEarly stays undisposed: a producer racing the stop may still release it (it holds no wait handle).
    }

    private static void ReturnPayload(OutgoingEdgeBatch batch)
    {
        if (batch.PooledPayload is { } payload)
        {
            ArrayPool<byte>.Shared.Return(payload);
        }
    }

    private async Task PublishLoopAsync()
    {
        CancellationToken stopping = _stopping.Token;
        try
        {
            while (await _stage.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                while (_stage.Reader.TryRead(out OutgoingEdgeBatch? batch))
                {
                    await PublishAsync(batch, stopping).ConfigureAwait(false);
                }

                // Let the batches sealed meanwhile gather, then take them all in one wake-up (PublishingOptions.DefaultPublishLinger),
                // unless the buffer fills first. The flag is up before the buffer is checked, so a batch that fills it in
                // between still ends the wait. A late release only shortens a later linger.
                if (_linger > TimeSpan.Zero)
                {
                    Volatile.Write(ref _lingering, 1);
                    if (_stage.Buffered < _wakeEarlyAt)
                    {
                        await _wakeEarly.WaitAsync(_linger, stopping).ConfigureAwait(false);
                    }

                    Volatile.Write(ref _lingering, 0);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            while (_stage.Reader.TryRead(out OutgoingEdgeBatch? abandoned))
            {
                Interlocked.Increment(ref _batchesFailed);
                ReturnPayload(abandoned);
            }
        }
    }

    private async Task PublishAsync(OutgoingEdgeBatch batch, CancellationToken stopping)
    {
        PublishResult result;
        try
        {
            result = await _publisher.PublishAsync(batch.PartitionKey, batch.Message, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            Interlocked.Increment(ref _batchesFailed);
            throw;
        }
        catch (Exception ex)
        {
            // A transport fault must not kill the loop: count it, keep the message, go on with the next batch.
            Interlocked.Increment(ref _batchesFailed);
            Volatile.Write(ref _lastError, $"{ex.GetType().Name}: {ex.Message}");
            return;
        }
        finally
        {
            // Published, refused or failed: the transport no longer reads the payload (it copies before confirming).
            ReturnPayload(batch);
        }

        if (result.IsConfirmed)
        {
            Interlocked.Increment(ref _batchesPublished);
            Interlocked.Add(ref _edgesPublished, batch.EdgeCount);
        }
        else
        {
            Interlocked.Increment(ref _batchesRejected);
            Interlocked.Add(ref _edgesRejected, batch.EdgeCount);
            Volatile.Write(ref _lastError, result.ToString());
        }
    }
}
