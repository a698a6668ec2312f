using Google.Protobuf;
using NerfEngine.Control.Engine;
using NerfEngine.Shared.Fabric.Transport;
using NerfEngine.Shared.Messages.Records;
using NerfEngine.Shared.Messages.Wire;

namespace NerfEngine.Control.LiveIngest;

/// <summary>
/// The one path from the live-ingest queue into the graph (SPEC §8), run by ingest_live_event: reads up to N events from
/// the queue's front, applies the optional model-score gate, commits the edges of the events that pass through the
/// <see cref="GraphEngine"/> (node addresses first, as EdgeBatches, so detectors see them like any sensor's), and only
/// then removes the handled events from the queue. Calls run one at a time.
/// </summary>
public sealed class LiveEventCommitter
{
    private readonly LiveIngestQueue _queue;
    private readonly GraphEngine _engine;
    private readonly ILiveEventScorer? _scorer;
    private readonly LiveIngestOptions _options;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>Batch sequence of the next EdgeBatch: starts at the start time in µs, so a restarted node never reuses one.</summary>
    private ulong _sequence;

    private long _calls;
    private long _eventsCommitted;
    private long _edgesCommitted;
    private long _batchesCommitted;
    private long _scored;
    private long _belowScore;
    private long _scorerFailures;

    /// <param name="queue">The queue whose front is committed.</param>
    /// <param name="engine">The graph owner.</param>
    /// <param name="scorer">The score gate's model; null: the gate is off.</param>
    /// <param name="time">Clock of the batch sequence seed.</param>
    public LiveEventCommitter(LiveIngestQueue queue, GraphEngine engine, ILiveEventScorer? scorer, TimeProvider time)
    {
        _queue = queue ?? throw new ArgumentNullException(nameof(queue));
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        ArgumentNullException.ThrowIfNull(time);
        _scorer = scorer;
        _options = queue.Options;
        _sequence = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
    }

    /// <summary>The queue this committer drains.</summary>
    public LiveIngestQueue Queue => _queue;

    /// <summary>True when events must score ≥ <see cref="LiveIngestOptions.MinScore"/> to be committed.</summary>
    public bool ScoreGateOn => _scorer is not null && _options.ScoreGateEnabled;

    /// <summary>Commits up to <paramref name="maxEvents"/> queued events; cancellation is honoured until the commit starts.</summary>
    public async Task<LiveCommitResult> CommitAsync(int maxEvents, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Interlocked.Increment(ref _calls);
            var taken = _queue.PeekFront(maxEvents);
            var (passing, belowScore, failures, lastFailure) = await GateAsync(taken, cancellationToken).ConfigureAwait(false);
            var (edges, batches) = await CommitEdgesAsync(passing).ConfigureAwait(false);
            _queue.DiscardFront(taken.Count);
            Interlocked.Add(ref _eventsCommitted, passing.Count);
            Interlocked.Add(ref _edgesCommitted, edges);
            Interlocked.Add(ref _batchesCommitted, batches);
            return new LiveCommitResult(
                taken.Count, passing.Count, edges, batches, belowScore, failures, lastFailure, _queue.Depth,
                passing.Count == 0 ? null : passing.Min(e => e.Event.Timestamp),
                passing.Count == 0 ? null : passing.Max(e => e.Event.Timestamp));
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>Everything the live path counts: queue, filters, score gate and commits.</summary>
    public LiveIngestStats Stats() => new(_queue.Snapshot(), GateStats(), Totals());

    /// <summary>Commit totals, for metrics.</summary>
    public LiveCommitTotals Totals() => new(
        Interlocked.Read(ref _calls), Interlocked.Read(ref _eventsCommitted), Interlocked.Read(ref _edgesCommitted), Interlocked.Read(ref _batchesCommitted));

    /// <summary>The score gate's state and counts.</summary>
    public ScoreGateStats GateStats()
    {
        var state = _scorer is null
            ? "off: no model scorer (ILiveEventScorer) is registered on this node; events are committed unscored"
            : !_options.ScoreGateEnabled
                ? "off: LiveIngest:ScoreGateEnabled is false; events are committed unscored"
                : $"on: events need a score ≥ {_options.MinScore} from {_scorer.Name}";
        return new ScoreGateStats(ScoreGateOn, state, _scorer?.Name, _options.MinScore, _options.CommitWhenScorerFails,
            Interlocked.Read(ref _scored), Interlocked.Read(ref _belowScore), Interlocked.Read(ref _scorerFailures));
    }

    private async Task<(List<LiveMappedEvent> Passing, int BelowScore, int Failures, string? LastFailure)> GateAsync(
        IReadOnlyList<LiveMappedEvent> taken, CancellationToken cancellationToken)
    {
        if (!ScoreGateOn)
        {
            return (taken.ToList(), 0, 0, null);
        }

        var passing = new List<LiveMappedEvent>(taken.Count);
        int below = 0, failures = 0;
        string? lastFailure = null;
        foreach (var mapped in taken)
        {
            double score;
            try
            {
                score = await _scorer!.ScoreAsync(mapped.Event, cancellationToken).ConfigureAwait(false);
                if (!(score is >= 0 and <= 1))
                {
                    throw new InvalidDataException($"score {score} is outside [0, 1]");
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures++;
                Interlocked.Increment(ref _scorerFailures);
                lastFailure = $"{_scorer!.Name}: {ex.Message}";
                if (_options.CommitWhenScorerFails) passing.Add(mapped);
                continue;
            }

            Interlocked.Increment(ref _scored);
            if (score >= _options.MinScore)
            {
                passing.Add(mapped);
            }
            else
            {
                below++;
                Interlocked.Increment(ref _belowScore);
            }
        }

        return (passing, below, failures, lastFailure);
    }

    /// <summary>
    /// Applies the edges as EdgeBatches of at most <see cref="LiveIngestOptions.EdgesPerBatch"/>; the first carries every
    /// endpoint's address so the directory knows each node before its first edge. Not cancellable: once a batch is handed
    /// to the engine it is applied, and the queue must then be trimmed to match.
    /// </summary>
    private async Task<(int Edges, int Batches)> CommitEdgesAsync(List<LiveMappedEvent> passing)
    {
        if (passing.Count == 0)
        {
            return (0, 0);
        }

        var edges = passing.SelectMany(e => e.Edges).ToArray();
        var addresses = passing.SelectMany(e => new[] { e.Source, e.Destination }).DistinctBy(a => a.NodeId).ToArray();
        var batches = 0;
        for (var offset = 0; offset < edges.Length; offset += _options.EdgesPerBatch)
        {
            var chunk = edges.AsSpan(offset, Math.Min(_options.EdgesPerBatch, edges.Length - offset));
            var sequence = ++_sequence;
            var batch = EdgeBatch.FromRecords(_options.BatchSensorName, sequence, chunk, offset == 0 ? addresses : ReadOnlySpan<NodeAddress>.Empty);
            await _engine.IngestAsync(new EdgeBatchMessage(_options.BatchSensorName, sequence, batch.ToByteArray()), CancellationToken.None).ConfigureAwait(false);
            batches++;
        }

        return (edges.Length, batches);
    }
}

/// <summary>What one ingest_live_event call did.</summary>
/// <param name="Taken">Events read from the queue's front (all are removed: committed or dropped by the score gate).</param>
/// <param name="EventsCommitted">Events whose edges were committed.</param>
/// <param name="EdgesCommitted">Edges applied to the graph.</param>
/// <param name="BatchesCommitted">EdgeBatches the edges were applied in.</param>
/// <param name="DroppedBelowScore">Dropped by the score gate (score below the minimum).</param>
/// <param name="ScorerFailures">Events the scorer could not score (committed or dropped per LiveIngest:CommitWhenScorerFails).</param>
/// <param name="LastScorerFailure">The last scorer failure of this call, if any.</param>
/// <param name="Remaining">Events still queued after this call.</param>
/// <param name="FirstEventTime">Event time of the oldest committed event.</param>
/// <param name="LastEventTime">Event time of the newest committed event.</param>
public sealed record LiveCommitResult(
    int Taken, int EventsCommitted, int EdgesCommitted, int BatchesCommitted, int DroppedBelowScore, int ScorerFailures,
    string? LastScorerFailure, int Remaining, DateTimeOffset? FirstEventTime, DateTimeOffset? LastEventTime);
