using Microsoft.Extensions.Logging;
using NerfEngine.Sensor.Capture.AfPacket;
using NerfEngine.Sensor.Publishing;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// The XDP engine's reader: a dedicated thread (ring_buffer__poll blocks in epoll_wait, so it must not sit on
/// the thread pool) that consumes both ring buffers, drains the edge aggregates every
/// <see cref="XdpCaptureOptions.DrainInterval"/>, reads the kernel counters, sweeps idle flows, and moves the
/// batcher's clock. The thread alone touches the rings, the translator and the batcher; other threads read
/// counters only. The logic the reader actor runs, kept apart from it so it is testable on its own.
/// </summary>
internal sealed class XdpReader
{
    /// <summary>Longest epoll wait: bounds how late a stop or a batch seal can be.</summary>
    private const int MaxPollMilliseconds = 100;

    private readonly XdpReaderSlot _slot;
    private readonly XdpCaptureOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger? _logger;
    private readonly Action<Exception>? _onFault;
    private readonly EdgeBatcher _batcher;
    private readonly CapturedEdgeTable? _edgeTable;
    private readonly XdpRecordTranslator _translator;
    private readonly Thread _thread;
    private readonly Lock _stopGate = new();

    private volatile bool _stopping;
    private volatile bool _endOfCapture;
    private volatile bool _faultRequested;
    private bool _stopped;
    private string? _lastError;
    private long _lossReported;

    public XdpReader(XdpReaderSlot slot, EdgeBatchOutbox outbox, TimeProvider time, ILogger? logger, Action<Exception>? onFault)
    {
        _slot = slot;
        _options = slot.Options;
        _time = time;
        _logger = logger;
        _onFault = onFault;
        _batcher = new EdgeBatcher(_options.Publishing, outbox);
        _edgeTable = _options.EdgeTableCapacity > 0 ? new CapturedEdgeTable(_options.EdgeTableCapacity) : null;
        _translator = new XdpRecordTranslator(_batcher, _edgeTable, _options.Flows);
        _thread = new Thread(Run) { IsBackground = true, Name = $"xdp-{_options.Interface}" };
    }

    /// <summary>Starts the reader thread.</summary>
    public void Start() => _thread.Start();

    /// <summary>
    /// Stops the reader (within one poll wait) after it consumed what the rings hold; with
    /// <paramref name="endOfCapture"/> (the program is detached) it also drains both aggregate maps and ends
    /// every flow still in the table. Idempotent.
    /// </summary>
    public void Stop(bool endOfCapture)
    {
        lock (_stopGate)
        {
            if (_stopped)
            {
                return;
            }
            _endOfCapture = endOfCapture;
            _stopping = true;
            if (_thread.IsAlive)
            {
                _thread.Join();
            }
            _stopped = true;
        }
    }

    /// <summary>Makes the reader fail at its next wake-up, as a bug would: how tests exercise supervision.</summary>
    internal void InjectFault() => _faultRequested = true;

    /// <summary>GraphEdges emitted, record counts and the last error; safe from any thread.</summary>
    public XdpReaderReport GetReport() => new(_translator.GetCounts(), _edgeTable, Volatile.Read(ref _lastError));

    private void Run()
    {
        XdpEventRings? rings = null;
        Exception? fault = null;
        try
        {
            rings = XdpEventRings.Open(_slot.Program, _translator, _options.Interface);
            _translator.ClockOffsetNs = BootClock.MonotonicToUnixOffsetNs();
            long drainNs = _options.DrainInterval.Ticks * 100;
            long sweepNs = _options.IdleSweepInterval.Ticks * 100;
            long idleNs = _options.Flows.IdleTimeout.Ticks * 100;
            long nextDrain = BootClock.MonotonicNs() + drainNs;
            long nextSweep = BootClock.MonotonicNs() + sweepNs;
            while (!_stopping)
            {
                if (_faultRequested)
                {
                    throw new InvalidOperationException("injected reader fault");
                }
                long now = BootClock.MonotonicNs();
                if (now < _slot.StalledUntilNs)
                {
                    Thread.Sleep(5);
                    continue;
                }
                // Rounded up: a zero timeout just before the drain would spin until it.
                int polled = rings.Poll((int)Math.Clamp((nextDrain - now + 999_999) / 1_000_000, 0, MaxPollMilliseconds));
                if (polled < 0 && polled != XdpEventRings.Interrupted)
                {
                    Report($"ring_buffer__poll on '{_options.Interface}' failed: {XdpErrors.Describe(-polled)}");
                }
                now = BootClock.MonotonicNs();
                if (now >= nextDrain)
                {
                    Drain(rings);
                    nextDrain = now + drainNs;
                }
                if (now >= nextSweep)
                {
                    _slot.Sweep.ExpireIdle(now, idleNs, _translator);
                    nextSweep = now + sweepNs;
                }
                _batcher.Advance(WallClockNs());
            }
        }
        catch (Exception ex)
        {
            fault = ex;
            Report($"XDP reader of '{_options.Interface}' failed: {ex.Message}");
            _logger?.LogError(ex, "XDP reader on {Interface} failed", _options.Interface);
        }
        finally
        {
            Finish(rings);
        }
        if (fault is not null)
        {
            _onFault?.Invoke(fault);
        }
    }

    /// <summary>
    /// One drain: the rings (the program wakes the reader only for a full eighth of a ring, and epoll reports
    /// nothing for the rest), the aggregates the program left one interval ago, then the kernel counters.
    /// </summary>
    private void Drain(XdpEventRings rings)
    {
        rings.Consume();
        _translator.ClockOffsetNs = BootClock.MonotonicToUnixOffsetNs();
        _slot.Aggregates.DrainAndSwitch(_translator);
        ReadCounters();
    }

    /// <summary>What is in the rings is captured, not lost; at the end of capture, so is everything in the maps.</summary>
    private void Finish(XdpEventRings? rings)
    {
        try
        {
            rings?.Consume();
            if (_endOfCapture)
            {
                _slot.Aggregates.DrainAll(_translator);
                _slot.Sweep.RemoveAll(_translator);
            }
            _batcher.Flush();
            ReadCounters();
        }
        catch (Exception ex) when (ex is Native.CaptureException or InvalidOperationException)
        {
            Report($"final drain on '{_options.Interface}' failed: {ex.Message}");
        }
        finally
        {
            rings?.Dispose();
        }
    }

    private void ReadCounters()
    {
        XdpKernelCounters counters = _slot.Program.ReadCounters();
        _slot.UpdateCounters(counters);
        long lost = counters.Lost;
        if (lost > _lossReported)
        {
            _lossReported = lost;
            Report($"kernel could not deliver {lost:N0} record(s) on '{_options.Interface}': ring buffer full for "
                + $"{counters.EdgeRingFull:N0} OPEN/CLOSE and {counters.FlowRingFull:N0} flow-end records, "
                + $"{counters.FlowTableFailures + counters.AggregateFailures:N0} map inserts failed (raise Xdp:EdgeRingBytes / Xdp:FlowRingBytes)");
        }
    }

    private void Report(string error)
    {
        if (Volatile.Read(ref _lastError) != error)
        {
            _logger?.LogWarning("XDP reader: {Error}", error);
        }
        Volatile.Write(ref _lastError, error);
        _slot.RecordError(error);
    }

    private long WallClockNs() => (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
}

/// <summary>What one reader incarnation counted.</summary>
/// <param name="Counts">Records read and emitted.</param>
/// <param name="Edges">Its per-edge table, when one is kept.</param>
/// <param name="LastError">The latest error it carried on from.</param>
internal sealed record XdpReaderReport(XdpRecordCounts Counts, CapturedEdgeTable? Edges, string? LastError);
