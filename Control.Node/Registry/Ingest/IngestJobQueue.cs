using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace NerfEngine.Control.Registry.Ingest;

/// <summary>
/// Runs ingest jobs one at a time in the background (replays share the engine and its counters, so running two at
/// once would only interleave them), keeps a bounded history for get_ingest_job, and refuses new jobs when its
/// queue is full rather than growing without bound.
/// </summary>
public sealed class IngestJobQueue : IAsyncDisposable
{
    private readonly IPcapIngestor _ingestor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _history;
    private readonly Channel<(IngestJob Job, string Canonical)> _pending;
    private readonly Lock _lock = new();

    /// <summary>Every known job by id, newest last; guarded by <see cref="_lock"/>.</summary>
    private readonly Dictionary<string, IngestJob> _jobs = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _worker;

    public IngestJobQueue(IPcapIngestor ingestor, int queueCapacity, int history, TimeProvider? time = null, ILogger<IngestJobQueue>? logger = null)
    {
        _ingestor = ingestor ?? throw new ArgumentNullException(nameof(ingestor));
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(history, 1);
        _history = history;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _pending = Channel.CreateBounded<(IngestJob, string)>(new BoundedChannelOptions(queueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _worker = Task.Run(RunAsync);
    }

    /// <summary>Queues a job; false when the queue is full.</summary>
    public bool TryEnqueue(string jobId, string canonicalPath, string displayPath, string speed, string agent, out IngestJob job)
    {
        job = new IngestJob(jobId, displayPath, speed, agent, IngestJobState.Queued, _time.GetUtcNow());
        lock (_lock)
        {
            if (!_pending.Writer.TryWrite((job, canonicalPath)))
            {
                return false;
            }

            Store(job);
            return true;
        }
    }

    /// <summary>A job by id.</summary>
    public bool TryGet(string jobId, out IngestJob? job)
    {
        lock (_lock)
        {
            return _jobs.TryGetValue(jobId, out job);
        }
    }

    /// <summary>The newest jobs, newest first.</summary>
    public IReadOnlyList<IngestJob> Recent(int max)
    {
        lock (_lock)
        {
            return _order.Reverse().Take(max).Select(id => _jobs[id]).ToList();
        }
    }

    /// <summary>Completes when no job is queued or running (tests, shutdown).</summary>
    public async Task WaitIdleAsync(CancellationToken cancellationToken = default)
    {
        while (Recent(int.MaxValue).Any(j => j.State is IngestJobState.Queued or IngestJobState.Running))
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _worker.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping mid-job: the job stays Running in memory; the process is going away.
        }

        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        await foreach (var (queued, canonical) in _pending.Reader.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
        {
            var running = queued with { State = IngestJobState.Running, StartedAt = _time.GetUtcNow() };
            Update(running);
            try
            {
                var result = await _ingestor.IngestAsync(canonical, queued.Speed, _stopping.Token).ConfigureAwait(false);
                Update(running with
                {
                    State = result.Completed ? IngestJobState.Succeeded : IngestJobState.Failed,
                    FinishedAt = _time.GetUtcNow(),
                    Result = result,
                    Error = result.Error,
                });
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
            {
                _logger.LogWarning(ex, "Ingest job {JobId} ({Path}) failed", queued.JobId, queued.Path);
                Update(running with { State = IngestJobState.Failed, FinishedAt = _time.GetUtcNow(), Error = $"{ex.GetType().Name}: {ex.Message}" });
            }
        }
    }

    private void Update(IngestJob job)
    {
        lock (_lock)
        {
            _jobs[job.JobId] = job;
        }
    }

    /// <summary>Adds a job, forgetting the oldest finished ones beyond the history bound; caller holds the lock.</summary>
    private void Store(IngestJob job)
    {
        _jobs[job.JobId] = job;
        _order.Enqueue(job.JobId);
        var spare = _order.Count;
        while (_order.Count > _history && spare-- > 0)
        {
            var oldest = _order.Dequeue();
            if (_jobs[oldest].State is IngestJobState.Queued or IngestJobState.Running)
            {
                _order.Enqueue(oldest); // never forget a live job
            }
            else
            {
                _jobs.Remove(oldest);
            }
        }
    }
}
