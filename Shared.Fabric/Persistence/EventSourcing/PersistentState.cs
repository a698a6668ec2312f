using NerfEngine.Shared.Fabric.Persistence.Serialization;

namespace NerfEngine.Shared.Fabric.Persistence.EventSourcing;

/// <summary>
/// The persistence logic of one event-sourced entity, without any actor: recovers state from the newest snapshot
/// plus later events, persists new events with the expected sequence number (the journal's fence), folds them
/// into the state only after they are durable, and snapshots every N events.
/// </summary>
/// <remarks>
/// Single owner, not thread-safe: one caller (an actor) awaits each persist before the next. After any failed
/// append whose outcome is not known to be "nothing written" (a lost race, a dropped connection) the instance is
/// faulted and refuses further persists: the owner must stop and recover a fresh instance instead of diverging.
/// </remarks>
public sealed class PersistentState<TState, TEvent>
    where TState : notnull
    where TEvent : notnull
{
    private readonly PersistenceContext _context;
    private readonly EventSourcedBehavior<TState, TEvent> _behavior;

    /// <summary>1 while a persist or snapshot is in flight; catches misuse from two threads.</summary>
    private int _busy;

    private PersistentState(string persistenceId, EventSourcedBehavior<TState, TEvent> behavior, PersistenceContext context)
    {
        PersistenceId = persistenceId;
        _behavior = behavior;
        _context = context;
        State = behavior.InitialState;
    }

    /// <summary>The entity id.</summary>
    public string PersistenceId { get; }

    /// <summary>Current state: initial state folded with every durable event.</summary>
    public TState State { get; private set; }

    /// <summary>Highest durable sequence number; the expected sequence number of the next append.</summary>
    public long SequenceNr { get; private set; }

    /// <summary>Sequence number of the newest snapshot saved or recovered from (0 when none).</summary>
    public long LastSnapshotSequenceNr { get; private set; }

    /// <summary>Events replayed on top of the snapshot during recovery.</summary>
    public long ReplayedEventCount { get; private set; }

    /// <summary>The error that faulted this instance (a lost race, an unknown append outcome), or null.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>The last automatic snapshot failure (events stay durable; the next interval retries), or null.</summary>
    public Exception? LastSnapshotFailure { get; private set; }

    /// <summary>Recovers an entity: newest snapshot, then every later event in sequence order (gaps throw).</summary>
    public static async Task<PersistentState<TState, TEvent>> RecoverAsync(
        string persistenceId, EventSourcedBehavior<TState, TEvent> behavior, PersistenceContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(behavior);
        ArgumentNullException.ThrowIfNull(context);
        AppendGuard.PersistenceId(persistenceId);
        var stateType = behavior.InitialState.GetType();
        if (behavior.SnapshotEvery > 0 && !context.Serializer.IsRegistered(stateType))
        {
            // Fail at start-up, not silently at the first automatic snapshot.
            throw new ArgumentException(
                $"Snapshots every {behavior.SnapshotEvery} events need the state type {stateType.FullName} registered with the EventSerializer.", nameof(behavior));
        }

        var entity = new PersistentState<TState, TEvent>(persistenceId, behavior, context);
        await entity.ReplayAsync(cancellationToken).ConfigureAwait(false);
        return entity;
    }

    /// <summary>Persists one event, then folds it into <see cref="State"/>.</summary>
    public Task PersistAsync(TEvent @event, CancellationToken cancellationToken = default) => PersistAllAsync([@event], cancellationToken);

    /// <summary>
    /// Persists events atomically (all or none), then folds them into <see cref="State"/> and snapshots if due.
    /// Throws <see cref="JournalConcurrencyException"/> when another writer owns the id (this instance is then faulted).
    /// </summary>
    public async Task PersistAllAsync(IReadOnlyList<TEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        Enter();
        try
        {
            ThrowIfFaulted();
            var batch = new EventToAppend[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i] ?? throw new ArgumentException($"Event {i} is null.", nameof(events));
                batch[i] = _context.Serializer.ToAppend(e, _behavior.Tagger?.Invoke(e));
            }

            AppendResult result;
            try
            {
                result = await _context.Journal.AppendAsync(PersistenceId, SequenceNr, batch, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not ArgumentException)
            {
                Fault = ex;
                throw;
            }

            try
            {
                var state = State;
                foreach (var e in events)
                {
                    state = _behavior.ApplyEvent(state, e);
                }

                State = state;
                SequenceNr = result.LastSequenceNr;
            }
            catch (Exception ex)
            {
                // The events are durable but the fold failed: in-memory state is no longer trustworthy.
                Fault = ex;
                throw;
            }

            if (_behavior.SnapshotEvery > 0 && SequenceNr - LastSnapshotSequenceNr >= _behavior.SnapshotEvery)
            {
                try
                {
                    await SaveSnapshotCoreAsync(cancellationToken).ConfigureAwait(false);
                    LastSnapshotFailure = null;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A snapshot only shortens recovery; failing it must not report the durable persist as failed.
                    LastSnapshotFailure = ex;
                }
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Saves a snapshot of the current state now (and prunes older ones when configured).</summary>
    public async Task SaveSnapshotAsync(CancellationToken cancellationToken = default)
    {
        Enter();
        try
        {
            ThrowIfFaulted();
            await SaveSnapshotCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    private async Task ReplayAsync(CancellationToken cancellationToken)
    {
        var serializer = _context.Serializer;
        var snapshot = await _context.Snapshots.LoadLatestAsync(PersistenceId, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (snapshot is not null)
        {
            State = As<TState>(serializer.Deserialize(snapshot), snapshot.Manifest, snapshot.SequenceNr, "snapshot");
            SequenceNr = snapshot.SequenceNr;
            LastSnapshotSequenceNr = snapshot.SequenceNr;
        }

        // Deleted rows are read too (and skipped) so that a real gap is never mistaken for a deletion.
        var state = State;
        await foreach (var row in _context.Journal.ReadEventsAsync(PersistenceId, SequenceNr + 1, includeDeleted: true, cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            if (row.SequenceNr != SequenceNr + 1)
            {
                throw new JournalIntegrityException(PersistenceId, SequenceNr + 1,
                    $"recovery expected sequence {SequenceNr + 1} but the journal continues at {row.SequenceNr} (missing events).");
            }

            if (!row.IsDeleted)
            {
                state = _behavior.ApplyEvent(state, As<TEvent>(serializer.Deserialize(row), row.Manifest, row.SequenceNr, "event"));
                ReplayedEventCount++;
            }

            SequenceNr = row.SequenceNr;
        }

        State = state;
    }

    private async Task SaveSnapshotCoreAsync(CancellationToken cancellationToken)
    {
        var (manifest, payload) = _context.Serializer.Serialize(State);
        var sequenceNr = SequenceNr;
        await _context.Snapshots.SaveAsync(new SnapshotRecord(PersistenceId, sequenceNr, _context.Time.GetUtcNow(), manifest, payload), cancellationToken)
            .ConfigureAwait(false);
        LastSnapshotSequenceNr = sequenceNr;
        if (_behavior.DeleteOlderSnapshots)
        {
            await _context.Snapshots.DeleteOlderThanAsync(PersistenceId, sequenceNr, cancellationToken).ConfigureAwait(false);
        }
    }

    private T As<T>(object value, string manifest, long sequenceNr, string what) =>
        value is T typed
            ? typed
            : throw new EventSerializationException(
                $"The {what} of persistence id '{PersistenceId}' at sequence {sequenceNr} has manifest '{manifest}' ({value.GetType().FullName}), "
                + $"which is not a {typeof(T).FullName}.",
                manifest, PersistenceId, sequenceNr);

    private void ThrowIfFaulted()
    {
        if (Fault is not null)
        {
            throw new InvalidOperationException(
                $"Persistent state of '{PersistenceId}' is faulted by an earlier failed persist ({Fault.GetType().Name}: {Fault.Message}); recover a new instance.",
                Fault);
        }
    }

    private void Enter()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException($"A persist for '{PersistenceId}' is already in flight; PersistentState has a single owner that awaits each call.");
        }
    }

    private void Exit() => Volatile.Write(ref _busy, 0);
}
