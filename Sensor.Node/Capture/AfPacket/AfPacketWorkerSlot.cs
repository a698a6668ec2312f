using Microsoft.Extensions.Logging;
using NerfEngine.Sensor.Capture.Native;
using NerfEngine.Sensor.Publishing;

namespace NerfEngine.Sensor.Capture.AfPacket;

/// <summary>
/// The engine's record of one worker position across incarnations of its actor: hands the ring opened
/// at start to the first incarnation (so start fails fast in the caller), reopens one for each restart,
/// and keeps the reports of retired incarnations so totals survive restarts.
/// </summary>
internal sealed class AfPacketWorkerSlot(int index, AfPacketRing firstRing, AfPacketCaptureOptions options, Func<AfPacketRing> reopen,
    EdgeBatchOutbox outbox, TimeProvider time, ILogger? logger)
{
    private readonly Lock _gate = new();
    private readonly List<WorkerReport> _retired = [];
    private AfPacketRing? _unclaimedRing = firstRing;
    private AfPacketWorker? _current;
    private string? _lastError;

    public int Index { get; } = index;

    /// <summary>Creates and starts the worker of a new incarnation; <paramref name="onFault"/> reaches its actor.</summary>
    public AfPacketWorker StartWorker(Action<Exception> onFault)
    {
        AfPacketRing ring;
        lock (_gate)
        {
            ring = _unclaimedRing ?? OpenForRestart();
            _unclaimedRing = null;
        }
        var worker = new AfPacketWorker(Index, ring, options, outbox, time, logger, onFault);
        lock (_gate)
        {
            _current = worker;
        }
        worker.Start();
        return worker;
    }

    /// <summary>Stops an incarnation's worker and keeps its report.</summary>
    public void Retire(AfPacketWorker worker)
    {
        worker.Stop();
        WorkerReport report = worker.GetReport();
        lock (_gate)
        {
            _retired.Add(report);
            if (ReferenceEquals(_current, worker))
            {
                _current = null;
            }
            _lastError = report.Status.LastError ?? _lastError;
        }
    }

    /// <summary>Closes a ring no incarnation claimed (the actor never started).</summary>
    public void ReleaseUnclaimed()
    {
        lock (_gate)
        {
            _unclaimedRing?.Dispose();
            _unclaimedRing = null;
        }
    }

    /// <summary>Totals over every incarnation; safe from any thread.</summary>
    public WorkerStatus GetStatus()
    {
        lock (_gate)
        {
            WorkerStatus total = _current?.GetStatus() ?? default;
            foreach (WorkerReport report in _retired)
            {
                total = total with
                {
                    PacketsCaptured = total.PacketsCaptured + report.Status.PacketsCaptured,
                    EventsEmitted = total.EventsEmitted + report.Status.EventsEmitted,
                    ParseErrors = total.ParseErrors + report.Status.ParseErrors,
                    Kernel = total.Kernel + report.Status.Kernel,
                };
            }
            return total with { LastError = total.LastError ?? _lastError };
        }
    }

    /// <summary>Reports of the retired incarnations (all of them once the engine stopped).</summary>
    public IReadOnlyList<WorkerReport> GetReports()
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

    /// <summary>Records a failure outside the worker (a restart that could not reopen the ring).</summary>
    public void RecordError(string error)
    {
        lock (_gate)
        {
            _lastError = error;
        }
    }

    private AfPacketRing OpenForRestart()
    {
        try
        {
            return reopen();
        }
        catch (CaptureException ex)
        {
            _lastError = ex.Message;
            throw;
        }
    }
}
