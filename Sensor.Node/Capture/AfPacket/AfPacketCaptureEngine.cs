using Microsoft.Extensions.Logging;
using NerfEngine.Sensor.Capture.Native;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Sensor.Publishing;
using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Transport;

namespace NerfEngine.Sensor.Capture.AfPacket;

/// <summary>
/// Live capture on one interface with AF_PACKET TPACKET_V3 rings: one worker actor per ring, the rings
/// joined in a PACKET_FANOUT group when there are several, each worker running parser → flow tracker →
/// batcher into one shared <see cref="EdgeBatchOutbox"/> (which drops and counts rather than stall a
/// reader). Start opens every ring first, so every failure (no interface, no CAP_NET_RAW, ring refused,
/// bad filter, fanout refused) surfaces from <see cref="StartAsync"/> as a <see cref="CaptureStartException"/>.
/// </summary>
public sealed class AfPacketCaptureEngine : ICaptureEngine
{
    private readonly AfPacketCaptureOptions _options;
    private readonly ILogger? _logger;
    private readonly TimeProvider _time;
    private readonly KernelCaptureLifecycle _lifecycle;
    private readonly List<AfPacketWorkerSlot> _slots = [];
    private readonly List<IActorRef> _actors = [];

    private CaptureFilter? _filter;

    /// <summary>Creates the engine; nothing is opened until <see cref="StartAsync"/>.</summary>
    /// <param name="options">What to capture and how; validated here.</param>
    /// <param name="publisher">Where edge batches go; not owned.</param>
    /// <param name="actorSystem">The system to host the worker actors; null creates (and later terminates) a private one.</param>
    /// <param name="loggerFactory">Logs ring sizes, reductions and reader failures.</param>
    /// <param name="timeProvider">Wall clock for batching and elapsed time.</param>
    public AfPacketCaptureEngine(AfPacketCaptureOptions options, IEdgeBatchPublisher publisher, ActorSystem? actorSystem = null,
        ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(publisher);
        options.Validate();
        _options = options;
        _logger = loggerFactory?.CreateLogger<AfPacketCaptureEngine>();
        _time = timeProvider ?? TimeProvider.System;
        _lifecycle = new KernelCaptureLifecycle(Name, publisher, options.Publishing, options.DrainTimeout, actorSystem, loggerFactory, _time);
        Fanout = options.FanoutFor();
    }

    /// <inheritdoc />
    public string Name => "afpacket:" + _options.Interface;

    /// <summary>The fanout group the rings join; null with one worker.</summary>
    public FanoutOptions? Fanout { get; }

    /// <summary>The geometry each worker's ring got (known once started).</summary>
    public IReadOnlyList<RingGeometry> Rings { get; private set; } = [];

    /// <inheritdoc />
    public CaptureStats Stats
    {
        get
        {
            WorkerStatus[] statuses = [.. SnapshotSlots().Select(slot => slot.GetStatus())];
            return new CaptureStats(
                PacketsCaptured: statuses.Sum(s => s.PacketsCaptured),
                EventsEmitted: statuses.Sum(s => s.EventsEmitted),
                ParseErrors: statuses.Sum(s => s.ParseErrors),
                KernelDrops: statuses.Sum(s => s.Kernel.Drops),
                FreezeQueueCount: statuses.Sum(s => s.Kernel.FreezeQueueCount),
                LastError: statuses.Select(s => s.LastError).LastOrDefault(e => e is not null) ?? _lifecycle.Outbox?.GetStats().LastError);
        }
    }

    /// <summary>PACKET_STATISTICS totals over all rings (as of each worker's last periodic read).</summary>
    public KernelPacketStatistics KernelStatistics =>
        SnapshotSlots().Aggregate(default(KernelPacketStatistics), (sum, slot) => sum + slot.GetStatus().Kernel);

    /// <summary>Publishing counters of the shared outbox.</summary>
    public PublishingStats? Publishing => _lifecycle.Outbox?.GetStats();

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        List<AfPacketRing> rings = [];
        _lifecycle.Start(cancellationToken, () => rings = OpenRings(), "afpacket", _options.Interface, (outbox, system, prefix) =>
        {
            Rings = [.. rings.Select(ring => ring.Geometry)];
            for (int i = 0; i < rings.Count; i++)
            {
                _slots.Add(new AfPacketWorkerSlot(i, rings[i], _options, OpenOne, outbox, _time, _logger));
            }
            foreach (AfPacketWorkerSlot slot in _slots)
            {
                _actors.Add(system.Spawn(Props.Create(() => new AfPacketWorkerActor(slot)), $"{prefix}-{slot.Index}-{Guid.NewGuid():N}"));
            }
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken = default) => _lifecycle.StopAsync(StopWorkersAsync, afterDrain: null, cancellationToken);

    /// <summary>Everything the capture counted; complete once <see cref="StopAsync"/> finished.</summary>
    public AfPacketCaptureSummary GetSummary()
    {
        AfPacketWorkerSlot[] slots = SnapshotSlots();
        WorkerReport[] reports = [.. slots.SelectMany(slot => slot.GetReports())];
        IReadOnlyList<CapturedEdge> edges = CapturedEdgeTable.Merge(reports.Select(r => r.Edges).OfType<CapturedEdgeTable>(), out long omitted);
        return new AfPacketCaptureSummary(
            _options.Interface,
            Fanout,
            _options.Filter,
            _lifecycle.Elapsed,
            Stats,
            KernelStatistics,
            CaptureTotals.SumOutcomes(reports.Select(r => r.ParseOutcomes)),
            reports.Sum(r => r.Fragments),
            CaptureTotals.SumFlows([.. reports.Select(r => r.Flows)]),
            _lifecycle.PublishingStats,
            [.. slots.Select(slot => Summarise(slot, reports))],
            edges,
            omitted);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _lifecycle.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops every worker actor, then releases the rings no worker claimed.</summary>
    private async Task StopWorkersAsync(ActorSystem system)
    {
        foreach (IActorRef actor in _actors)
        {
            await system.StopAsync(actor).ConfigureAwait(false);
        }
        foreach (AfPacketWorkerSlot slot in _slots)
        {
            slot.ReleaseUnclaimed();
        }
    }

    /// <summary>Fails worker <paramref name="worker"/>'s reader as a bug would, so tests can watch it being restarted.</summary>
    internal void InjectReaderFault(int worker) => SnapshotSlots()[worker].InjectFault();

    /// <summary>Opens every worker ring, or none: on any failure the ones already open are closed.</summary>
    private List<AfPacketRing> OpenRings()
    {
        var rings = new List<AfPacketRing>(_options.Workers);
        try
        {
            _filter = _options.Filter is null ? null : CaptureFilter.Compile(_options.Filter);
            for (int i = 0; i < _options.Workers; i++)
            {
                rings.Add(OpenOne());
            }
            return rings;
        }
        catch (CaptureException ex)
        {
            foreach (AfPacketRing ring in rings)
            {
                ring.Dispose();
            }
            throw new CaptureStartException(Name, ex.Message, ex);
        }
    }

    private AfPacketRing OpenOne() => AfPacketRing.Open(_options.Interface, _options.Ring, _filter, Fanout, _logger);

    private AfPacketWorkerSlot[] SnapshotSlots()
    {
        lock (_lifecycle.Gate)
        {
            return [.. _slots];
        }
    }

    private static AfPacketWorkerSummary Summarise(AfPacketWorkerSlot slot, IEnumerable<WorkerReport> reports)
    {
        WorkerReport[] mine = [.. reports.Where(r => r.Index == slot.Index)];
        WorkerStatus status = slot.GetStatus();
        return new AfPacketWorkerSummary(slot.Index, mine.Length > 0 ? mine[^1].Geometry : default, status.PacketsCaptured, status.Kernel, mine.Length);
    }
}
