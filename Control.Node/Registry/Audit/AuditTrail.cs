using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NerfEngine.Shared.Fabric.Persistence;

namespace NerfEngine.Control.Registry.Audit;

/// <summary>
/// Appends audit records to the event journal under one persistence id. A single writer drains a queue in
/// batches (one journal transaction per batch). Two ways in:
/// <list type="bullet">
/// <item><see cref="RecordAsync"/> enqueues and returns at once (group commit): what keeps a read-only tools/call
/// far cheaper than a database commit. Such a record reaches the journal up to
/// <see cref="RegistryOptions.AuditGroupCommitDelay"/> plus one append after its call returned, so a SIGKILL inside
/// that window loses it; a graceful stop flushes it (<see cref="FlushAsync"/>, <see cref="DisposeAsync"/>).</item>
/// <item><see cref="RecordDurablyAsync"/> completes only once the record is appended: the registry's write-ahead
/// path for admitted mutations, whose records carry budget units that must survive a crash. It skips the
/// group-commit wait when it finds the writer idle.</item>
/// </list>
/// The queue is bounded: when the journal falls behind, callers wait for room rather than records being dropped.
/// </summary>
/// <remarks>
/// The writer is the only appender of its persistence id in this process; if another process appends to
/// the same id (e.g. <c>mcp --stdio</c> beside <c>run</c>), the sequence fence rejects the batch and the
/// writer re-reads the head and retries.
/// </remarks>
public sealed class AuditTrail : IAsyncDisposable
{
    private readonly IEventJournal _journal;
    private readonly RegistryOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<AuditWork> _queue;
    private readonly Task _writer;
    private long _sequenceNr = -1;
    private long _written;
    private long _failed;
    private long _pending;

    /// <summary>Durable records enqueued and not yet taken by the writer; while non-zero the writer skips its group-commit wait.</summary>
    private long _durableWaiting;

    public AuditTrail(IEventJournal journal, RegistryOptions options, ILogger<AuditTrail>? logger = null)
    {
        _journal = journal ?? throw new ArgumentNullException(nameof(journal));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _queue = Channel.CreateBounded<AuditWork>(new BoundedChannelOptions(options.AuditQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Persistence id the records are appended under.</summary>
    public string PersistenceId => _options.AuditPersistenceId;

    /// <summary>Records appended to the journal.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Records given up on after every append attempt failed (logged as errors).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Records enqueued and not yet appended.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>Enqueues a record; waits only when the queue is full.</summary>
    public ValueTask RecordAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        Interlocked.Increment(ref _pending);
        var work = new AuditWork(record, null);
        if (_queue.Writer.TryWrite(work))
        {
            return ValueTask.CompletedTask;
        }

        return _queue.Writer.WriteAsync(work, cancellationToken);
    }

    /// <summary>
    /// Appends a record and completes once it is in the journal (write-ahead). Not cancellable on purpose: a caller
    /// that gave up could not tell whether the record landed.
    /// </summary>
    /// <returns>True once appended; false when every append attempt failed (counted in <see cref="Failed"/>, logged) or the trail is closed.</returns>
    public async ValueTask<bool> RecordDurablyAsync(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref _pending);
        Interlocked.Increment(ref _durableWaiting);
        try
        {
            await _queue.Writer.WriteAsync(new AuditWork(record, done)).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            Interlocked.Decrement(ref _pending);
            Interlocked.Decrement(ref _durableWaiting);
            return false;
        }

        return await done.Task.ConfigureAwait(false);
    }

    /// <summary>Completes when every record enqueued before the call is in the journal (or counted failed).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new AuditWork(null, done), cancellationToken).ConfigureAwait(false);
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the audit records back from the journal, oldest first.</summary>
    public async IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequenceNr = 1, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var stored in _journal.ReadEventsAsync(PersistenceId, fromSequenceNr, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (stored.Manifest == AuditRecord.Manifest)
            {
                yield return AuditRecord.FromPayload(stored.Payload.Span);
            }
        }
    }

    /// <summary>
    /// Admitted mutations per agent newer than <paramref name="since"/>, read from the journal (budget restore). A call
    /// counts once however many of its records carry the mutation tag (its write-ahead admission and its outcome), and
    /// not at all when its outcome is <see cref="AuditOutcomes.NoEffect"/> (the unit was refunded); a call with only its
    /// admission record (interrupted) counts.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, List<DateTimeOffset>>> ReadMutationsSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        var calls = new Dictionary<Guid, (string Agent, DateTimeOffset At)>();
        var refunded = new HashSet<Guid>();
        await foreach (var stored in _journal.ReadEventsByTagAsync(AuditRecord.MutationTag, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (stored.PersistenceId != PersistenceId || stored.Timestamp < since || stored.Manifest != AuditRecord.Manifest)
            {
                continue;
            }

            var record = AuditRecord.FromPayload(stored.Payload.Span);
            if (record.Timestamp < since)
            {
                continue;
            }

            if (record.Outcome == AuditOutcomes.NoEffect)
            {
                refunded.Add(record.Id);
            }

            calls.TryAdd(record.Id, (record.Agent, record.Timestamp));
        }

        var byAgent = new Dictionary<string, List<DateTimeOffset>>(StringComparer.Ordinal);
        foreach (var (id, (agent, at)) in calls)
        {
            if (refunded.Contains(id))
            {
                continue;
            }

            if (!byAgent.TryGetValue(agent, out var list))
            {
                byAgent[agent] = list = [];
            }

            list.Add(at);
        }

        return byAgent;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<AuditRecord>(_options.AuditBatchSize);
        var durable = new List<TaskCompletionSource<bool>>();
        var flushes = new List<TaskCompletionSource<bool>>();
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (_options.AuditGroupCommitDelay > TimeSpan.Zero && reader.Count < _options.AuditBatchSize && Interlocked.Read(ref _durableWaiting) == 0)
            {
                await Task.Delay(_options.AuditGroupCommitDelay).ConfigureAwait(false);
            }

            while (batch.Count < _options.AuditBatchSize && reader.TryRead(out var work))
            {
                if (work.Record is { } record)
                {
                    batch.Add(record);
                    if (work.Done is { } appended)
                    {
                        durable.Add(appended);
                        Interlocked.Decrement(ref _durableWaiting);
                    }
                }
                else if (work.Done is { } flush)
                {
                    flushes.Add(flush);
                    break; // a flush marks a point: write what precedes it before acknowledging
                }
            }

            var ok = true;
            if (batch.Count > 0)
            {
                try
                {
                    ok = await AppendAsync(batch).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // E.g. a record that cannot be serialised: count the batch failed, answer its waiters, keep writing.
                    ok = false;
                    Interlocked.Add(ref _failed, batch.Count);
                    _logger.LogError(ex, "Audit: {Count} records could not be written to {PersistenceId}", batch.Count, PersistenceId);
                }

                Interlocked.Add(ref _pending, -batch.Count);
                batch.Clear();
            }

            foreach (var appended in durable)
            {
                appended.TrySetResult(ok);
            }

            foreach (var flush in flushes)
            {
                flush.TrySetResult(true);
            }

            durable.Clear();
            flushes.Clear();
        }
    }

    /// <summary>Appends one batch, retrying; false when every attempt failed (the batch is counted failed and logged).</summary>
    private async Task<bool> AppendAsync(List<AuditRecord> batch)
    {
        var events = batch.Select(r => new EventToAppend(AuditRecord.Manifest, r.ToPayload(), TagsOf(r))).ToList();
        var delay = _options.AuditRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (_sequenceNr < 0)
                {
                    _sequenceNr = await _journal.HighestSequenceNrAsync(PersistenceId).ConfigureAwait(false);
                }

                var result = await _journal.AppendAsync(PersistenceId, _sequenceNr, events).ConfigureAwait(false);
                _sequenceNr = result.LastSequenceNr;
                Interlocked.Add(ref _written, batch.Count);
                return true;
            }
            // Any failure of the store (SqliteException, NpgsqlException, disk full, busy, …) is retried and then counted:
            // the writer loop must outlive it, or every write-ahead caller would wait forever.
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _sequenceNr = -1; // re-read the head: another writer may have appended (the fence rejected us)
                if (attempt >= _options.AuditAppendAttempts)
                {
                    Interlocked.Add(ref _failed, batch.Count);
                    _logger.LogError(ex, "Audit: {Count} records could not be appended to {PersistenceId} after {Attempts} attempts", batch.Count, PersistenceId, attempt);
                    return false;
                }

                _logger.LogWarning(ex, "Audit: append attempt {Attempt} failed; retrying in {Delay}", attempt, delay);
                await Task.Delay(delay).ConfigureAwait(false);
                delay *= 2;
            }
        }
    }

    private static IReadOnlyList<string> TagsOf(AuditRecord record) =>
        record.Mutates && record.Admitted
            ? [AuditRecord.Tag, AuditRecord.MutationTag]
            : [AuditRecord.Tag];

    /// <summary>
    /// A record to append (<see cref="Done"/> set: a durable one, told whether its batch was appended), or, with no
    /// record, a flush marker to acknowledge once everything before it is appended.
    /// </summary>
    private readonly record struct AuditWork(AuditRecord? Record, TaskCompletionSource<bool>? Done);
}
