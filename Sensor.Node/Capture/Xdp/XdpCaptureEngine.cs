using Microsoft.Extensions.Logging;
using NerfEngine.Sensor.Capture.AfPacket;
using NerfEngine.Sensor.Capture.Native;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Sensor.Publishing;
using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Transport;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// Live capture with the XDP program bpf/xdp_edges.bpf.o: the kernel parses every frame, keeps the flow table
/// and the per-edge aggregates, and hands user space OPEN/CLOSE records, flow-ends and 50 ms aggregates, not
/// packets. One reader actor owns the rings and the map drains and feeds a batcher into an
/// <see cref="EdgeBatchOutbox"/> (which drops and counts rather than stall the reader). Start loads and attaches
/// the program before anything runs, so every failure (no interface, no CAP_BPF/CAP_NET_ADMIN, object missing,
/// verifier refusal, another XDP program attached) surfaces from <see cref="StartAsync"/> as a
/// <see cref="CaptureStartException"/>; stop detaches the program and releases the maps and rings.
/// </summary>
public sealed class XdpCaptureEngine : ICaptureEngine
{
    private readonly XdpCaptureOptions _options;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly TimeProvider _time;
    private readonly KernelCaptureLifecycle _lifecycle;

    private XdpObject? _program;
    private XdpAttachment? _attachment;
    private XdpReaderSlot? _slot;
    private IActorRef? _actor;

    /// <summary>Creates the engine; nothing is loaded until <see cref="StartAsync"/>.</summary>
    /// <param name="options">What to capture and how; validated here.</param>
    /// <param name="publisher">Where edge batches go; not owned.</param>
    /// <param name="actorSystem">The system to host the reader actor; null creates (and later terminates) a private one.</param>
    /// <param name="loggerFactory">Logs reader failures and kernel loss.</param>
    /// <param name="timeProvider">Wall clock for batching and elapsed time.</param>
    public XdpCaptureEngine(XdpCaptureOptions options, IEdgeBatchPublisher publisher, ActorSystem? actorSystem = null,
        ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(publisher);
        options.Validate();
        _options = options;
        _loggerFactory = loggerFactory;
        _time = timeProvider ?? TimeProvider.System;
        _lifecycle = new KernelCaptureLifecycle(Name, publisher, options.Publishing, options.DrainTimeout, actorSystem, loggerFactory, _time);
    }

    /// <inheritdoc />
    public string Name => "xdp:" + _options.Interface;

    /// <summary>The mode the kernel accepted (known once started).</summary>
    public XdpAttachMode? Mode { get; private set; }

    /// <inheritdoc />
    /// <remarks>
    /// Kernel drops are the records the kernel could not deliver (ring full, map insert failed); XDP itself
    /// never drops a packet (every path returns XDP_PASS). There is no freeze queue.
    /// </remarks>
    public CaptureStats Stats
    {
        get
        {
            XdpReaderSlot? slot = Volatile.Read(ref _slot);
            if (slot is null)
            {
                return CaptureStats.Empty;
            }
            XdpKernelCounters kernel = slot.Counters;
            return new CaptureStats(
                PacketsCaptured: kernel.Packets,
                EventsEmitted: slot.GetCounts().GraphEdges,
                ParseErrors: kernel.ParseErrors,
                KernelDrops: kernel.Lost,
                FreezeQueueCount: 0,
                LastError: slot.LastError ?? _lifecycle.Outbox?.GetStats().LastError);
        }
    }

    /// <summary>The program's counters as of the reader's last drain.</summary>
    public XdpKernelCounters KernelCounters => Volatile.Read(ref _slot)?.Counters ?? XdpKernelCounters.Empty;

    /// <summary>Publishing counters of the outbox.</summary>
    public PublishingStats? Publishing => _lifecycle.Outbox?.GetStats();

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        _lifecycle.Start(cancellationToken, AttachProgram, "xdp", _options.Interface, (outbox, system, prefix) =>
        {
            var slot = new XdpReaderSlot(_program!, _options, outbox, _time, _loggerFactory?.CreateLogger<XdpCaptureEngine>());
            Volatile.Write(ref _slot, slot);
            _actor = system.Spawn(Props.Create(() => new XdpReaderActor(slot)), $"{prefix}-{Guid.NewGuid():N}");
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        _lifecycle.StopAsync(StopReaderAsync, afterDrain: () => _program!.Dispose(), cancellationToken);

    /// <summary>Everything the capture counted; complete once <see cref="StopAsync"/> finished.</summary>
    public XdpCaptureSummary GetSummary()
    {
        XdpReaderSlot? slot = Volatile.Read(ref _slot);
        IReadOnlyList<XdpReaderReport> reports = slot?.GetReports() ?? [];
        IReadOnlyList<CapturedEdge> edges = CapturedEdgeTable.Merge(reports.Select(r => r.Edges).OfType<CapturedEdgeTable>(), out long omitted);
        return new XdpCaptureSummary(
            _options.Interface,
            Mode ?? _options.Mode,
            _options.ResolveObjectPath(),
            _lifecycle.Elapsed,
            Stats,
            KernelCounters,
            slot?.GetCounts() ?? XdpRecordCounts.Empty,
            slot?.Aggregates.UsesBatch ?? _options.BatchDrain,
            _lifecycle.PublishingStats,
            slot?.Incarnations ?? 0,
            edges,
            omitted);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _lifecycle.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Fails the reader as a bug would, so tests can watch it being restarted.</summary>
    internal void InjectReaderFault() => Volatile.Read(ref _slot)?.InjectFault();

    /// <summary>Stops the reader consuming for a while, so tests can overrun the kernel's rings.</summary>
    internal void StallReader(TimeSpan duration) => Volatile.Read(ref _slot)?.Stall(duration);

    /// <summary>Loads, optionally pins, and attaches the program, or releases everything on any failure.</summary>
    private void AttachProgram()
    {
        try
        {
            if (LibC.IfNameToIndex(_options.Interface) == 0)
            {
                throw CaptureErrors.InterfaceNotFound(_options.Interface);
            }
            _program = XdpObject.Load(_options.ResolveObjectPath(), XdpMapSizes.From(_options), _options.Interface);
            if (_options.PinPath is not null)
            {
                _program.Pin(_options.PinPath, _options.Interface);
            }
            _attachment = XdpAttachment.Attach(_program, _options.Interface, _options.Mode);
            Mode = _attachment.Mode;
        }
        catch (CaptureException ex)
        {
            _attachment?.Dispose();
            _attachment = null;
            _program?.Dispose();
            _program = null;
            throw new CaptureStartException(Name, ex.Message, ex);
        }
    }

    /// <summary>Detaches the program first (no packet is counted after it, so the final drains read everything), then stops the reader.</summary>
    private async Task StopReaderAsync(ActorSystem system)
    {
        _attachment!.Dispose();
        await Task.Delay(_options.DetachGrace, _time).ConfigureAwait(false);
        _slot!.Ending = true;
        await system.StopAsync(_actor!).ConfigureAwait(false);
    }
}
