using NerfEngine.Sensor.Capture.AfPacket;
using NerfEngine.Sensor.Flows;
using NerfEngine.Shared.Fabric.Transport;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Publishing;

/// <summary>
/// Batching for an engine that hands over edges from its own thread whenever its source produces them
/// (the eve.json tail maps a line when Suricata writes one): edges go to an <see cref="EdgeBatcher"/>
/// on wall-clock time, and a timer seals batches whose window has passed even when no further edge
/// comes, so a quiet file still delivers what it produced within one batch window. Optionally sums
/// the edges per edge for the capture summary (<see cref="CapturedEdgeTable"/>).
/// </summary>
/// <remarks>
/// The batcher belongs to one thread; here two touch it (the engine's, the timer's), so every call
/// takes one uncontended lock: an eve line is thousands of times the cost of that lock.
/// </remarks>
internal sealed class WallClockEdgeBatchSink : IEdgeSink, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly EdgeBatchOutbox _outbox;
    private readonly EdgeBatcher _batcher;
    private readonly CapturedEdgeTable? _table;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;

    /// <summary>Set by <see cref="CompleteAsync"/>: later edges are refused (the engine counts a refusal as a sink failure).</summary>
    private bool _completed;

    /// <param name="publisher">The transport; not owned.</param>
    /// <param name="options">Batch size and window, outbox capacity and what to do when it is full.</param>
    /// <param name="edgeTableCapacity">Edges kept for the summary's per-edge table; 0 keeps none.</param>
    /// <param name="timeProvider">The wall clock of batch windows and of the sealing timer.</param>
    public WallClockEdgeBatchSink(IEdgeBatchPublisher publisher, PublishingOptions options, int edgeTableCapacity, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(edgeTableCapacity);
        _time = timeProvider ?? TimeProvider.System;
        _outbox = new EdgeBatchOutbox(publisher, options);
        _batcher = new EdgeBatcher(options, _outbox);
        _table = edgeTableCapacity > 0 ? new CapturedEdgeTable(edgeTableCapacity) : null;
        _timer = _time.CreateTimer(static state => ((WallClockEdgeBatchSink)state!).SealExpired(), this, options.BatchWindow, options.BatchWindow);
    }

    /// <summary>Batching and publishing counters.</summary>
    public PublishingStats Stats => _outbox.GetStats();

    /// <inheritdoc />
    public void OnEdge(in GraphEdge edge)
    {
        lock (_gate)
        {
            ThrowIfCompleted();
            _batcher.Advance(NowNs());
            _batcher.Add(in edge);
            _table?.Add(in edge);
        }
    }

    /// <inheritdoc />
    public void OnNodeAddress(in NodeAddress address)
    {
        lock (_gate)
        {
            ThrowIfCompleted();
            _batcher.AddNodeAddress(in address);
            _table?.AddAddress(in address);
        }
    }

    /// <inheritdoc />
    public void OnFlowEnded(in FlowSummary flow)
    {
    }

    /// <summary>The per-edge table, largest edges first (empty when none is kept); call after <see cref="CompleteAsync"/>.</summary>
    public IReadOnlyList<CapturedEdge> GetEdges(out long omittedEdges)
    {
        lock (_gate)
        {
            if (_table is null)
            {
                omittedEdges = 0;
                return [];
            }

            return CapturedEdgeTable.Merge([_table], out omittedEdges);
        }
    }

    /// <summary>Seals every open batch and waits until the outbox has handed them all to the transport.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await _timer.DisposeAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _completed = true;
            _batcher.Flush();
        }

        await _outbox.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync().ConfigureAwait(false);
        await _outbox.DisposeAsync().ConfigureAwait(false);
    }

    private void SealExpired()
    {
        lock (_gate)
        {
            if (!_completed)
            {
                _batcher.Advance(NowNs());
            }
        }
    }

    private void ThrowIfCompleted()
    {
        if (_completed)
        {
            throw new InvalidOperationException("The capture's batching has completed; no more edges are taken.");
        }
    }

    private long NowNs() => (_time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
}
