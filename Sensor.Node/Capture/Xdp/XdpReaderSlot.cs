using Microsoft.Extensions.Logging;
using NerfEngine.Sensor.Publishing;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// The engine's record of its reader across incarnations of the reader actor: what every incarnation
/// shares (the loaded program, the aggregate drain with its map switch state, the flow sweep, the latest
/// kernel counters) and the reports of retired incarnations, so totals survive restarts.
/// </summary>
internal sealed class XdpReaderSlot(XdpObject program, XdpCaptureOptions options, EdgeBatchOutbox outbox, TimeProvider time, ILogger? logger)
{
    private readonly Lock _gate = new();
    private readonly List<XdpReaderReport> _retired = [];
    private XdpReader? _current;
    private XdpKernelCounters _counters = XdpKernelCounters.Empty;
    private string? _lastError;
    private long _stalledUntilNs;

    public XdpObject Program { get; } = program;

    public XdpCaptureOptions Options { get; } = options;

    /// <summary>Shared by incarnations: which edge_agg map the program writes must survive a restart.</summary>
    public EdgeAggregateDrain Aggregates { get; } = new(program, options.BatchDrain);

    public FlowTableSweep Sweep { get; } = new(program, options.BatchDrain);

    /// <summary>Set before the final stop: the retiring reader then drains the maps completely.</summary>
    public bool Ending { get; set; }

    /// <summary>Incarnations started.</summary>
    public int Incarnations { get; private set; }

    /// <summary>Creates and starts the reader of a new incarnation; <paramref name="onFault"/> reaches its actor.</summary>
    public XdpReader StartReader(Action<Exception> onFault)
    {
        var reader = new XdpReader(this, outbox, time, logger, onFault);
        lock (_gate)
        {
            _current = reader;
            Incarnations++;
        }
        reader.Start();
        return reader;
    }

    /// <summary>Stops an incarnation's reader (draining everything when <see cref="Ending"/>) and keeps its report.</summary>
    public void Retire(XdpReader reader)
    {
        reader.Stop(Ending);
        XdpReaderReport report = reader.GetReport();
        lock (_gate)
        {
            _retired.Add(report);
            if (ReferenceEquals(_current, reader))
            {
                _current = null;
            }
        }
    }

    /// <summary>Latest kernel counters (the program's, shared by incarnations).</summary>
    public XdpKernelCounters Counters => Volatile.Read(ref _counters);

    public void UpdateCounters(XdpKernelCounters counters) => Volatile.Write(ref _counters, counters);

    /// <summary>Records the latest error (reader failures, kernel loss).</summary>
    public void RecordError(string error) => Volatile.Write(ref _lastError, error);

    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>Counts over every incarnation; safe from any thread.</summary>
    public XdpRecordCounts GetCounts()
    {
        lock (_gate)
        {
            XdpRecordCounts total = _current?.GetReport().Counts ?? XdpRecordCounts.Empty;
            return _retired.Aggregate(total, static (sum, report) => sum + report.Counts);
        }
    }

    /// <summary>Reports of the retired incarnations (all of them once the engine stopped).</summary>
    public IReadOnlyList<XdpReaderReport> GetReports()
    {
        lock (_gate)
        {
            return [.. _retired];
        }
    }

    /// <summary>Fails the current incarnation's reader (tests of supervision).</summary>
    internal void InjectFault()
    {
        lock (_gate)
        {
            _current?.InjectFault();
        }
    }

    /// <summary>CLOCK_MONOTONIC time until which readers do not consume (tests of ring overrun); 0: never stalled.</summary>
    public long StalledUntilNs => Interlocked.Read(ref _stalledUntilNs);

    /// <summary>Stops every reader consuming for <paramref name="duration"/>, so the kernel's rings fill up.</summary>
    internal void Stall(TimeSpan duration) => Interlocked.Exchange(ref _stalledUntilNs, BootClock.MonotonicNs() + duration.Ticks * 100);
}
