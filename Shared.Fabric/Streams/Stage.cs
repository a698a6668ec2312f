using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace NerfEngine.Shared.Fabric.Streams;

/// <summary>
/// A bounded buffer between a producer and a consumer, with an explicit <see cref="OverflowPolicy"/>
/// and <see cref="StageMetrics"/>. It is the async boundary of a pipeline: the producer writes,
/// the consumer reads <see cref="Reader"/> (directly, or through
/// <see cref="GroupedWithinExtensions.GroupedWithin{T}(ChannelReader{T}, int, TimeSpan, TimeProvider, CancellationToken)"/>).
/// </summary>
/// <remarks>
/// Every write goes through <see cref="TryWrite"/> so that <see cref="StageMetrics.Accepted"/> is
/// counted before the item becomes visible to the consumer (see <see cref="StageMetrics"/>).
/// Drops are counted by the channel's item-dropped callback, which runs for exactly the items the
/// channel discards, so the drop count is exact.
/// </remarks>
/// <typeparam name="T">The item type; structs are copied into the buffer, never boxed.</typeparam>
public sealed class Stage<T>
{
    /// <summary>The buffer; its full mode is derived from <see cref="Overflow"/>.</summary>
    private readonly Channel<T> _channel;

    /// <summary>The consumer's view of <see cref="_channel"/>; counts emitted items.</summary>
    private readonly StageReader<T> _reader;

    /// <summary>Creates an empty, open stage.</summary>
    public Stage(StageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Metrics = new StageMetrics();
        var channelOptions = new BoundedChannelOptions(options.Capacity)
        {
            FullMode = ToFullMode(options.Overflow),
            // Continuations run on the thread pool so a producer never executes consumer code inline.
            AllowSynchronousContinuations = false,
        };
        _channel = options.Overflow == OverflowPolicy.Backpressure
            ? Channel.CreateBounded<T>(channelOptions)
            : Channel.CreateBounded<T>(channelOptions, _ => Metrics.RecordDropped());
        _reader = new StageReader<T>(_channel.Reader, Metrics);
    }

    /// <summary>The options this stage was built with.</summary>
    public StageOptions Options { get; }

    /// <summary>The stage's name (from <see cref="StageOptions.Name"/>).</summary>
    public string Name => Options.Name;

    /// <summary>Accepted, emitted and dropped counters.</summary>
    public StageMetrics Metrics { get; }

    /// <summary>The consumer side. Items read here are counted as emitted.</summary>
    public ChannelReader<T> Reader => _reader;

    /// <summary>Items currently buffered.</summary>
    public int Buffered => _channel.Reader.Count;

    /// <summary>Completes when the stage is completed (or aborted) and its buffer is empty.</summary>
    public Task Completion => _channel.Reader.Completion;

    /// <summary>
    /// Hands an item to the stage without waiting. Returns true when the stage took the item: it
    /// will be emitted, or (under a drop policy) counted as dropped. Returns false when the stage is
    /// completed, or under <see cref="OverflowPolicy.Backpressure"/> when the buffer is full; then the
    /// producer still owns the item and nothing is counted.
    /// </summary>
    public bool TryWrite(T item)
    {
        Metrics.RecordAccepted();
        if (_channel.Writer.TryWrite(item))
        {
            return true;
        }

        Metrics.RevokeAccepted();
        return false;
    }

    /// <summary>
    /// Hands an item to the stage. Under <see cref="OverflowPolicy.Backpressure"/> this waits for room;
    /// under a drop policy it never waits. Throws <see cref="ChannelClosedException"/> when the stage is
    /// completed (with the abort reason as inner exception when it was aborted).
    /// </summary>
    public ValueTask WriteAsync(T item, CancellationToken cancellationToken = default)
    {
        if (TryWrite(item))
        {
            return ValueTask.CompletedTask;
        }

        return WriteSlowAsync(item, cancellationToken);
    }

    /// <summary>
    /// Completes the stage: no more writes are accepted, buffered items still drain to the consumer,
    /// and then the consumer sees the end, or <paramref name="error"/> when one is given (a failed
    /// source). Returns false when it was already completed.
    /// </summary>
    public bool TryComplete(Exception? error = null) => _channel.Writer.TryComplete(error);

    /// <summary>
    /// Fails the stage: no more writes are accepted, buffered items are discarded and counted as
    /// dropped, and the consumer sees <paramref name="reason"/> as soon as it reads.
    /// Returns false when the stage had already completed (then nothing changes).
    /// </summary>
    public bool Abort(Exception reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (!_channel.Writer.TryComplete(reason))
        {
            return false;
        }

        // Read past the counting reader: these items are dropped, not emitted.
        while (_channel.Reader.TryRead(out _))
        {
            Metrics.RecordDropped();
        }

        return true;
    }

    /// <summary>The producer's wait for room; its state machine is pooled because a busy producer waits often.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteSlowAsync(T item, CancellationToken cancellationToken)
    {
        try
        {
            while (await _channel.Writer.WaitToWriteAsync(cancellationToken).ConfigureAwait(false))
            {
                if (TryWrite(item))
                {
                    return;
                }
            }
        }
        catch (Exception abortReason) when (abortReason is not OperationCanceledException)
        {
            throw new ChannelClosedException($"Stage '{Name}' was aborted.", abortReason);
        }

        throw new ChannelClosedException($"Stage '{Name}' is completed and accepts no more items.");
    }

    private static BoundedChannelFullMode ToFullMode(OverflowPolicy policy) => policy switch
    {
        OverflowPolicy.Backpressure => BoundedChannelFullMode.Wait,
        // The channel's "DropWrite" discards the item being written: our "newest".
        // (The channel's own "DropNewest" would evict the newest *buffered* item instead.)
        OverflowPolicy.DropNewest => BoundedChannelFullMode.DropWrite,
        OverflowPolicy.DropOldest => BoundedChannelFullMode.DropOldest,
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown overflow policy."),
    };
}
