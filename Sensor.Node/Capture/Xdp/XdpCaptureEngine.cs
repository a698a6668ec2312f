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
    private readonly IEdgeBatchPublisher _publisher;
    private readonly ActorSystem? _sharedSystem;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly TimeProvider _time;
    private readonly Lock _lifecycle = new();

    private XdpObject? _program;
    private XdpAttachment? _attachment;
    private XdpReaderSlot? _slot;
    private IActorRef? _actor;
    private ActorSystem? _ownSystem;
    private EdgeBatchOutbox? _outbox;
    private Task? _stopping;
    private long _startedAt;
    private TimeSpan? _elapsed;

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
        _publisher = publisher;
        _sharedSystem = actorSystem;
        _loggerFactory = loggerFactory;
        _time = timeProvider ?? TimeProvider.System;
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
                LastError: slot.LastError ?? _outbox?.GetStats().LastError);
        }
    }

    /// <summary>The program's counters as of the reader's last drain.</summary>
    public XdpKernelCounters KernelCounters => Volatile.Read(ref _slot)?.Counters ?? XdpKernelCounters.Empty;

    /// <summary>Publishing counters of the outbox.</summary>
    public PublishingStats? Publishing => _outbox?.GetStats();

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_lifecycle)
        {
            if (_outbox is not null || _stopping is not null)
            {
                throw new InvalidOperationException($"{Name} was already started (an engine starts once; create a new one to capture again).");
            }
            cancellationToken.ThrowIfCancellationRequested();
            AttachProgram();
            _startedAt = _time.GetTimestamp();
            _outbox = new EdgeBatchOutbox(_publisher, _options.Publishing);
            var slot = new XdpReaderSlot(_program!, _options, _outbox, _time, _loggerFactory?.CreateLogger<XdpCaptureEngine>());
            Volatile.Write(ref _slot, slot);
            ActorSystem system = _sharedSystem ?? (_ownSystem = ActorSystem.Create("xdp", new ActorSystemOptions
            {
                LoggerFactory = _loggerFactory,
            }));
            string name = "xdp-" + string.Concat(_options.Interface.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_'));
            _actor = system.Spawn(Props.Create(() => new XdpReaderActor(slot)), $"{name}-{Guid.NewGuid():N}");
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_lifecycle)
        {
            _stopping ??= _outbox is null ? Task.CompletedTask : StopCoreAsync();
            return _stopping.WaitAsync(cancellationToken);
        }
    }

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
            _elapsed ?? (_outbox is null ? TimeSpan.Zero : _time.GetElapsedTime(_startedAt)),
            Stats,
            KernelCounters,
            slot?.GetCounts() ?? XdpRecordCounts.Empty,
            slot?.Aggregates.UsesBatch ?? _options.BatchDrain,
            _outbox?.GetStats() ?? new PublishingStats(0, 0, 0, 0, 0, 0, 0, 0, 0, null),
            slot?.Incarnations ?? 0,
            edges,
            omitted);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_outbox is not null)
        {
            await _outbox.DisposeAsync().ConfigureAwait(false);
        }
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

    private async Task StopCoreAsync()
    {
        // Detach first: no packet is counted after this, so the final drains read everything there is.
        _attachment!.Dispose();
        await Task.Delay(_options.DetachGrace, _time).ConfigureAwait(false);
        _slot!.Ending = true;
        ActorSystem system = _sharedSystem ?? _ownSystem!;
        await system.StopAsync(_actor!).ConfigureAwait(false);
        _elapsed = _time.GetElapsedTime(_startedAt);
        using (var drain = new CancellationTokenSource(_options.DrainTimeout, _time))
        {
            await _outbox!.CompleteAsync(drain.Token).ConfigureAwait(false);
        }
        _program!.Dispose();
        if (_ownSystem is not null)
        {
            await _ownSystem.TerminateAsync().ConfigureAwait(false);
        }
    }
}
