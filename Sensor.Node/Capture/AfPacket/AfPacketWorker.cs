using Microsoft.Extensions.Logging;
using NerfEngine.Sensor.Capture.Native;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Sensor.Publishing;

namespace NerfEngine.Sensor.Capture.AfPacket;

/// <summary>
/// One ring's reader: a dedicated thread (poll blocks, so it must not sit on the thread pool) that
/// waits for blocks, walks them through parser → flow tracker → batcher, and between wake-ups moves
/// the flow and batch clocks and reads PACKET_STATISTICS. The thread alone touches the ring memory,
/// the tracker and the batcher; other threads read counters only. The logic an actor runs, kept
/// apart from the actor so it is testable on its own.
/// </summary>
internal sealed class AfPacketWorker
{
    private readonly AfPacketRing _ring;
    private readonly AfPacketCaptureOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger? _logger;
    private readonly Action<Exception>? _onFault;
    private readonly ParseCounters _parseCounters = new();
    private readonly FlowTracker _tracker;
    private readonly EdgeBatcher _batcher;
    private readonly CapturedEdgeTable? _edgeTable;
    private readonly Thread _thread;
    private readonly Lock _stopGate = new();

    private volatile bool _stopping;
    private volatile bool _faultRequested;
    private bool _stopped;
    private string? _lastError;

    public AfPacketWorker(int index, AfPacketRing ring, AfPacketCaptureOptions options, EdgeBatchOutbox outbox, TimeProvider time,
        ILogger? logger = null, Action<Exception>? onFault = null)
    {
        Index = index;
        _ring = ring;
        _options = options;
        _time = time;
        _logger = logger;
        _onFault = onFault;
        _tracker = new FlowTracker(options.Flows);
        _batcher = new EdgeBatcher(PublishingFor(options, index), outbox);
        _edgeTable = options.EdgeTableCapacity > 0 ? new CapturedEdgeTable(options.EdgeTableCapacity) : null;
        _thread = new Thread(Run) { IsBackground = true, Name = $"afpacket-{ring.InterfaceName}-{index}" };
    }

    public int Index { get; }

    public AfPacketRing Ring => _ring;

    /// <summary>Starts the reader thread.</summary>
    public void Start() => _thread.Start();

    /// <summary>
    /// Stops the reader (within one poll timeout), which first walks what is already in the ring and
    /// flushes flows and batches; then closes the ring. Idempotent.
    /// </summary>
    public void Stop()
    {
        lock (_stopGate)
        {
            if (_stopped)
            {
                return;
            }
            _stopping = true;
            if (_thread.IsAlive)
            {
                _thread.Join();
            }
            _ring.Dispose();
            _stopped = true;
        }
    }

    /// <summary>Makes the reader fail at its next wake-up, as a bug would: how tests exercise supervision.</summary>
    internal void InjectFault() => _faultRequested = true;

    /// <summary>Counters now; safe from any thread.</summary>
    public WorkerStatus GetStatus() => new(
        _ring.FramesRead,
        _tracker.GetStats().TotalEdges,
        _parseCounters.Errors,
        _ring.KernelStatistics,
        Volatile.Read(ref _lastError));

    /// <summary>Everything the worker counted; complete once <see cref="Stop"/> returned.</summary>
    public WorkerReport GetReport() => new(
        Index,
        _ring.Geometry,
        GetStatus(),
        _parseCounters.Snapshot(),
        _parseCounters.Fragments,
        _tracker.GetStats(),
        _edgeTable);

    /// <summary>Each worker publishes under its own sensor name so batch sequence numbers stay unique.</summary>
    private static PublishingOptions PublishingFor(AfPacketCaptureOptions options, int index) => options.Workers == 1
        ? options.Publishing
        : options.Publishing.WithSensorName($"{options.Publishing.SensorName}-w{index}");

    private void Run()
    {
        var sink = new LiveEdgeSink(_batcher, _edgeTable);
        var processor = new RingFrameProcessor(_parseCounters, _tracker, _batcher, sink);
        long housekeepingNs = _options.HousekeepingInterval.Ticks * 100;
        long statisticsNs = _options.StatisticsInterval.Ticks * 100;
        // Packets of a block not yet retired can be this much older than the wall clock.
        long lagNs = _ring.Geometry.RetireTimeoutMs * 1_000_000L;
        long nextHousekeeping = 0;
        long nextStatistics = 0;
        Exception? fault = null;
        try
        {
            while (!_stopping)
            {
                if (_faultRequested)
                {
                    throw new InvalidOperationException("injected reader fault");
                }
                RingWaitResult wait = _ring.WaitForBlock(_options.PollTimeoutMs);
                if (wait.SocketError == Errno.EBADF)
                {
                    throw new InvalidOperationException($"the socket of '{_ring.InterfaceName}' is no longer open");
                }
                if (wait.SocketError != 0)
                {
                    Report(CaptureErrors.FromErrno(wait.SocketError, "poll", _ring.InterfaceName).Message);
                }
                if (wait.IsReady)
                {
                    _ring.ReadBlocks(ref processor, _options.MaxBlocksPerWake);
                }

                long now = WallClockNs();
                if (now >= nextHousekeeping)
                {
                    _tracker.Advance(now - lagNs, ref sink);
                    _batcher.Advance(now);
                    nextHousekeeping = now + housekeepingNs;
                }
                if (now >= nextStatistics)
                {
                    _ring.ReadKernelStatistics();
                    nextStatistics = now + statisticsNs;
                }
            }

            // Whatever the kernel already handed over is captured, not lost on stop.
            _ring.ReadBlocks(ref processor);
        }
        catch (Exception ex)
        {
            fault = ex;
            Report($"reader of '{_ring.InterfaceName}' failed: {ex.Message}");
            _logger?.LogError(ex, "AF_PACKET worker {Index} on {Interface} failed", Index, _ring.InterfaceName);
        }
        finally
        {
            FinishCapture(ref sink);
        }
        if (fault is not null)
        {
            _onFault?.Invoke(fault);
        }
    }

    /// <summary>End of capture on this ring: every flow closes and every open batch is sealed.</summary>
    private void FinishCapture(ref LiveEdgeSink sink)
    {
        try
        {
            _tracker.Flush(ref sink);
            _batcher.Flush();
            _ring.ReadKernelStatistics();
        }
        catch (Exception ex) when (ex is CaptureException or InvalidOperationException)
        {
            Report($"final flush on '{_ring.InterfaceName}' failed: {ex.Message}");
        }
    }

    private void Report(string error)
    {
        if (Volatile.Read(ref _lastError) != error)
        {
            _logger?.LogWarning("AF_PACKET worker {Index}: {Error}", Index, error);
        }
        Volatile.Write(ref _lastError, error);
    }

    private long WallClockNs() => (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
}

/// <summary>A worker's counters at one moment.</summary>
/// <param name="PacketsCaptured">Frames read from the ring.</param>
/// <param name="EventsEmitted">Graph-edge records the tracker emitted (all kinds).</param>
/// <param name="ParseErrors">Frames counted as parse errors.</param>
/// <param name="Kernel">Accumulated PACKET_STATISTICS.</param>
/// <param name="LastError">The latest error the worker carried on from, or null.</param>
internal readonly record struct WorkerStatus(long PacketsCaptured, long EventsEmitted, long ParseErrors, KernelPacketStatistics Kernel, string? LastError);

/// <summary>What one worker incarnation counted, for the capture summary.</summary>
internal sealed record WorkerReport(
    int Index,
    RingGeometry Geometry,
    WorkerStatus Status,
    long[] ParseOutcomes,
    long Fragments,
    FlowTrackerStats Flows,
    CapturedEdgeTable? Edges);
