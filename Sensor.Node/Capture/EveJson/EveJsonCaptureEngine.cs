using Microsoft.Extensions.Logging;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Pipeline;

namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// Capture from a Suricata eve.json for sites that already run Suricata (SPEC §2, offline sources):
/// an <see cref="EveJsonTailer"/> follows the file and an <see cref="EveEventMapper"/> turns flow,
/// alert and DNS events into graph edges for an <see cref="IEdgeSink"/>. A "packet" of this engine is
/// an eve line: <see cref="CaptureStats.PacketsCaptured"/> counts lines read and
/// <see cref="CaptureStats.ParseErrors"/> lines that could not be mapped.
/// </summary>
/// <remarks>
/// The sink is called on the engine's reader task, one line at a time, never concurrently.
/// Start opens the file at once, so a missing or unreadable file fails start with an operator-ready
/// <see cref="CaptureStartException"/> (unless <see cref="EveJsonCaptureOptions.WaitForFile"/>).
/// </remarks>
public sealed class EveJsonCaptureEngine : ICaptureEngine
{
    /// <summary>The engine's name in logs, metrics and errors.</summary>
    public const string EngineName = "eve-json";

    private readonly EveJsonCaptureOptions _options;
    private readonly IEdgeSink _sink;
    private readonly ILogger? _logger;
    private readonly EveJsonTailer _tailer;
    private readonly EveEventMapper _mapper;
    private readonly Lock _lifecycle = new();

    private CancellationTokenSource? _stop;
    private Task? _reader;
    private Task? _stopping;
    private long _sinkFailures;

    /// <summary>Latest I/O or sink failure; reported when it is newer than the latest parse error.</summary>
    private volatile string? _lastFailure;

    /// <summary>True when the latest error was a parse error (the mapper has its details), false for <see cref="_lastFailure"/>.</summary>
    private volatile bool _lastErrorIsParse;

    /// <summary>Creates the engine; nothing is opened until <see cref="StartAsync"/>.</summary>
    /// <param name="options">Which file and how to map it; validated here.</param>
    /// <param name="sink">Receives node addresses and edges; not owned.</param>
    /// <param name="timeProvider">Clock of the poll interval and rotation quiet period.</param>
    /// <param name="loggerFactory">Logs start, rotation-free read failures and stop.</param>
    /// <param name="alertObserver">Receives each alert's rule beside its edge (the alert side channel); may be null.</param>
    public EveJsonCaptureEngine(EveJsonCaptureOptions options, IEdgeSink sink, TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null, Action<EveAlert>? alertObserver = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        options.Validate();
        _options = options;
        _sink = sink;
        _logger = loggerFactory?.CreateLogger<EveJsonCaptureEngine>();
        _tailer = new EveJsonTailer(options.Tailer, timeProvider);
        _mapper = new EveEventMapper(options.Mapping, alertObserver);
    }

    /// <inheritdoc />
    public string Name => EngineName;

    /// <summary>The followed file.</summary>
    public string Path => _options.Tailer.Path;

    /// <inheritdoc />
    public CaptureStats Stats
    {
        get
        {
            EveTailerStats tailer = _tailer.Stats;
            EveMapperStats mapping = _mapper.GetStats();
            return new CaptureStats(
                PacketsCaptured: tailer.LinesRead,
                EventsEmitted: mapping.EdgesEmitted,
                ParseErrors: mapping.ParseErrors,
                KernelDrops: 0,
                FreezeQueueCount: 0,
                LastError: DescribeLastError(mapping));
        }
    }

    /// <summary>The engine's own counters: per-outcome lines, ignored types, signatures, rotations.</summary>
    public EveJsonStats EveStats => new(_tailer.Stats, _mapper.GetStats(), Interlocked.Read(ref _sinkFailures));

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_lifecycle)
        {
            if (_reader is not null || _stopping is not null)
            {
                throw new InvalidOperationException($"{Name} was already started.");
            }

            cancellationToken.ThrowIfCancellationRequested();
            bool opened = Open();
            if (!opened && !_options.WaitForFile)
            {
                throw new CaptureStartException(Name,
                    $"eve.json not found: {Path}. Check Suricata's eve-log filename, or pass --wait-for-file to start before Suricata creates it.");
            }

            _logger?.LogInformation("{Engine} following {Path} ({State})", Name, Path,
                opened ? $"from its {(_options.Tailer.Start == EveTailStart.End ? "end" : "beginning")}" : "waiting for the file");
            _stop = new CancellationTokenSource();
            var handler = new LineHandler(this);
            CancellationToken token = _stop.Token;
            _reader = Task.Run(() => _tailer.RunAsync(handler, OnReadError, token), CancellationToken.None);
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_lifecycle)
        {
            _stopping ??= StopCoreAsync();
            return _stopping.WaitAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>Opens the file now, turning each way it can fail into a sentence for the operator.</summary>
    private bool Open()
    {
        if (Directory.Exists(Path))
        {
            throw new CaptureStartException(Name, $"eve.json path is a directory, not a file: {Path}. Point it at Suricata's eve.json itself.");
        }

        try
        {
            return _tailer.TryOpen();
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new CaptureStartException(Name,
                $"eve.json is not readable: {Path} (permission denied). Give the sensor's user read access to the file and its directory.", ex);
        }
        catch (IOException ex)
        {
            throw new CaptureStartException(Name, $"eve.json could not be opened: {Path} ({ex.Message}).", ex);
        }
    }

    private async Task StopCoreAsync()
    {
        if (_stop is not null)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await _reader!.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                RecordFailure($"eve.json reader stopped: {ex.Message}");
                _logger?.LogError(ex, "{Engine} reader failed", Name);
            }

            _stop.Dispose();
        }

        _tailer.Dispose();
    }

    private void OnLine(ReadOnlySpan<byte> line)
    {
        EveLineOutcome outcome;
        try
        {
            outcome = _mapper.Map(line, _sink);
        }
        catch (Exception ex)
        {
            // The mapper never throws on input; this is the sink refusing an edge. Count it, keep reading.
            Interlocked.Increment(ref _sinkFailures);
            RecordFailure($"edge sink failed: {ex.Message}");
            return;
        }

        if (outcome.IsError())
        {
            _lastErrorIsParse = true;
        }
    }

    private void OnSkippedLine(EveSkipReason reason)
    {
        _mapper.CountSkipped(reason);
        _lastErrorIsParse = true;
    }

    private void OnReadError(Exception error)
    {
        RecordFailure($"reading {Path} failed: {error.Message}");
        _logger?.LogWarning("{Engine} could not read {Path}: {Error}; retrying", Name, Path, error.Message);
    }

    private void RecordFailure(string message)
    {
        _lastFailure = message;
        _lastErrorIsParse = false;
    }

    private string? DescribeLastError(EveMapperStats mapping) =>
        _lastErrorIsParse && mapping.LastError is { } outcome
            ? $"line {mapping.LastErrorLine} of the lines read: {outcome.Describe()}"
            : _lastFailure;

    /// <summary>Bridges the tailer to the mapper with direct calls (a struct, so the tailer's generic call is specialised).</summary>
    private readonly struct LineHandler(EveJsonCaptureEngine engine) : IEveLineHandler
    {
        public void OnLine(ReadOnlySpan<byte> line) => engine.OnLine(line);

        public void OnSkippedLine(EveSkipReason reason, long length) => engine.OnSkippedLine(reason);
    }
}
