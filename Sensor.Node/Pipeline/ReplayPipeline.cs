using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Sensor.Publishing;
using NerfEngine.Shared.Fabric.Transport;

namespace NerfEngine.Sensor.Pipeline;

/// <summary>
/// The offline capture engine: capture file → <see cref="PacketParser"/> → <see cref="FlowTracker"/> →
/// <see cref="EdgeBatcher"/> → <see cref="EdgeBatchOutbox"/> → transport, paced by a
/// <see cref="ReplayClock"/> (<c>--speed max|1x|factor</c>). Flows and batches run on event time (the
/// packet timestamps), so a replay produces the same edges however fast it runs.
/// </summary>
/// <remarks>
/// One loop owns the parser counters, tracker and batcher. At maximum speed a read-ahead thread owns
/// the reader and parses ahead of the loop (<see cref="ReadAheadParser"/>), unless
/// <see cref="ReplayOptions.Threads"/> is 1; paced, the loop reads too.
/// Other threads only read counters (<see cref="Stats"/>, <see cref="GetProgress"/>). When the outbox
/// is full the loop waits or drops as <see cref="PublishingOptions.WhenOutboxFull"/> says (file
/// replays wait: a file loses nothing by waiting).
/// </remarks>
public sealed partial class ReplayPipeline : ICaptureEngine
{
    private readonly ReplayOptions _options;
    private readonly IEdgeBatchPublisher _publisher;
    private readonly TimeProvider _time;
    private readonly ParseCounters _parseCounters = new();
    private readonly FlowTracker _tracker;
    private readonly ConversationLedger _ledger;
    private readonly CancellationTokenSource _stop = new();

    private CaptureFileReader? _reader;
    private EdgeBatchOutbox? _outbox;
    private EdgeBatcher? _batcher;
    private Task<ReplaySummary>? _run;

    /// <summary>Records counted, tracked and batched; only the loop touches it (<see cref="_packetsRead"/> publishes it).</summary>
    private long _recordsProcessed;

    private long _packetsRead;
    private long _filePosition;
    private long _fileLength;
    private long _firstTimestampNs;
    private long _lastTimestampNs;
    private string? _lastError;

    /// <summary>Creates the pipeline; nothing is opened until <see cref="StartAsync"/>.</summary>
    /// <param name="options">What to replay and how.</param>
    /// <param name="publisher">Where batches go; not owned (the caller disposes it).</param>
    /// <param name="timeProvider">Wall clock for pacing and elapsed time; tests pass a manual one.</param>
    public ReplayPipeline(ReplayOptions options, IEdgeBatchPublisher publisher, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        options.Publishing.Validate();
        if (options.Threads is not (ReplayOptions.OneThread or ReplayOptions.ReadAheadThreads))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Threads, "A replay runs on 1 or 2 threads.");
        }

        _options = options;
        _publisher = publisher;
        _time = timeProvider ?? TimeProvider.System;
        _tracker = new FlowTracker(options.Flows);
        _ledger = new ConversationLedger(options.MaxConversations);
    }

    /// <inheritdoc />
    public string Name => "replay:" + Path.GetFileName(_options.Path);

    /// <summary>Completes with the summary when the file is read and the outbox drained, or the replay was stopped.</summary>
    public Task<ReplaySummary> Completion => _run ?? throw new InvalidOperationException("The replay has not been started.");

    /// <inheritdoc />
    public CaptureStats Stats => new(
        PacketsCaptured: Volatile.Read(ref _packetsRead),
        EventsEmitted: _tracker.GetStats().TotalEdges,
        ParseErrors: _parseCounters.Errors,
        KernelDrops: 0,
        FreezeQueueCount: 0,
        LastError: Volatile.Read(ref _lastError) ?? _outbox?.GetStats().LastError);

    /// <summary>Batching and publishing counters (for <see cref="CaptureMetrics"/> and progress displays).</summary>
    public PublishingStats PublishingStats => _outbox?.GetStats() ?? EmptyPublishingStats;

    /// <summary>Replays a file start to finish and returns its summary.</summary>
    /// <exception cref="CaptureStartException">The file is missing, unreadable or not a capture file.</exception>
    public static async Task<ReplaySummary> RunAsync(
        ReplayOptions options, IEdgeBatchPublisher publisher, CancellationToken cancellationToken = default, TimeProvider? timeProvider = null)
    {
        await using var pipeline = new ReplayPipeline(options, publisher, timeProvider);
        await pipeline.StartAsync(cancellationToken).ConfigureAwait(false);
        using CancellationTokenRegistration stop = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), pipeline._stop);
        return await pipeline.Completion.ConfigureAwait(false);
    }

    /// <summary>Live counters for a progress display.</summary>
    public ReplayProgress GetProgress() => new(
        PacketsRead: Volatile.Read(ref _packetsRead),
        FilePosition: Volatile.Read(ref _filePosition),
        FileLength: _fileLength,
        ParseErrors: _parseCounters.Errors,
        Flows: _tracker.GetStats(),
        Publishing: PublishingStats);

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_run is not null)
        {
            throw new InvalidOperationException($"{Name} was already started.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        _reader = OpenReader();
        _outbox = new EdgeBatchOutbox(_publisher, OutboxOptions(_options));
        _batcher = new EdgeBatcher(_options.Publishing, _outbox);
        _run = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The outbox's settings: a two-thread replay at full speed publishes each batch as it is sealed unless a linger is
    /// configured (see <see cref="PublishingOptions.DefaultPublishLinger"/>: both cores are the replay's).
    /// </summary>
    internal static PublishingOptions OutboxOptions(ReplayOptions options) =>
        options.Speed.IsMaximum && options.Threads == ReplayOptions.ReadAheadThreads && options.Publishing.PublishLinger is null
            ? options.Publishing.WithPublishLinger(TimeSpan.Zero)
            : options.Publishing;

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_run is null)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await ((Task)_run).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_outbox is not null)
        {
            await _outbox.DisposeAsync().ConfigureAwait(false);
        }

        _reader?.Dispose();
        _stop.Dispose();
    }

    private static PublishingStats EmptyPublishingStats { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, null);

    private CaptureFileReader OpenReader()
    {
        string path = _options.Path;
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                throw new CaptureStartException(Name, $"Capture file not found: {file.FullName}");
            }

            _fileLength = file.Length;
            return CaptureFileReader.Open(file.FullName, _options.FileAccess);
        }
        catch (CaptureFileFormatException ex)
        {
            throw new CaptureStartException(Name, $"Not a readable capture file: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CaptureStartException(Name, $"Cannot open capture file {path}: {ex.Message}", ex);
        }
    }
}
