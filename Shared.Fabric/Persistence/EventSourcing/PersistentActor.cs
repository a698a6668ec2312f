using System.Runtime.ExceptionServices;
using NerfEngine.Shared.Fabric.Actors;

namespace NerfEngine.Shared.Fabric.Persistence.EventSourcing;

/// <summary>
/// An event-sourced actor (Akka's PersistentActor shape) over <see cref="PersistentState{TState,TEvent}"/>: commands
/// arrive as messages, the handler persists events, and state changes only once events are durable.
/// </summary>
/// <remarks>
/// <para>Recovery runs in <see cref="Actor{TMessage}.PreStartAsync"/>, so no command is handled before the state is
/// rebuilt (a failed recovery is a start failure handled by the supervisor, never skipped).</para>
/// <para>Stash semantics: the kernel hands the actor its next message only after the current handler's task
/// completes, and <see cref="OnReceiveAsync"/> also waits for any persist the handler started but did not await.
/// So commands that arrive while a persist is in flight stay in the mailbox until the persist completed and the
/// code after it (the handler's continuation) ran.</para>
/// <para>Fencing: when another writer has taken the persistence id, the persist throws
/// <see cref="JournalConcurrencyException"/> and this incarnation persists nothing more. By default (a cluster
/// singleton that lost its fence) the actor also requests its own stop: whatever its supervisor decides, it does not
/// start again. An actor that overrides <see cref="StopWhenFenced"/> to false lets its supervisor restart it instead,
/// and the new incarnation recovers the other writer's events from the journal before its next command.</para>
/// </remarks>
/// <typeparam name="TCommand">The actor's message protocol.</typeparam>
/// <typeparam name="TState">Entity state.</typeparam>
/// <typeparam name="TEvent">Base type of the persisted events.</typeparam>
public abstract class PersistentActor<TCommand, TState, TEvent> : Actor<TCommand>
    where TState : notnull
    where TEvent : notnull
{
    private readonly PersistenceContext _persistence;
    private readonly EventSourcedBehavior<TState, TEvent> _behavior;

    /// <summary>Set by recovery in PreStart; null only before the first message can arrive.</summary>
    private PersistentState<TState, TEvent>? _entity;

    /// <summary>The persist started last by the current handler; awaited before the next command.</summary>
    private Task _lastPersist = Task.CompletedTask;

    /// <summary>Creates the actor; <paramref name="persistence"/> is shared, not owned.</summary>
    protected PersistentActor(string persistenceId, EventSourcedBehavior<TState, TEvent> behavior, PersistenceContext persistence)
    {
        AppendGuard.PersistenceId(persistenceId);
        ArgumentNullException.ThrowIfNull(behavior);
        ArgumentNullException.ThrowIfNull(persistence);
        PersistenceId = persistenceId;
        _behavior = behavior;
        _persistence = persistence;
    }

    /// <summary>The entity id this actor writes.</summary>
    protected string PersistenceId { get; }

    /// <summary>Current state (initial state folded with every durable event).</summary>
    protected TState State => Entity.State;

    /// <summary>Highest durable sequence number.</summary>
    protected long LastSequenceNr => Entity.SequenceNr;

    /// <summary>Set once another writer fenced this incarnation off; it persists nothing more.</summary>
    protected JournalConcurrencyException? FencedBy { get; private set; }

    /// <summary>
    /// True (default): a lost fence stops the actor for good. False: the failure goes to the supervisor like any other,
    /// whose restart recovers the other writer's events (for an entity where a second writer is an operator's mistake
    /// to survive, not a rival singleton).
    /// </summary>
    protected virtual bool StopWhenFenced => true;

    private PersistentState<TState, TEvent> Entity =>
        _entity ?? throw new InvalidOperationException($"'{PersistenceId}' has not recovered yet; state is available from OnRecoveryCompletedAsync on.");

    /// <summary>Handles one command; call <see cref="PersistAsync"/> / <see cref="PersistAllAsync"/> and await them.</summary>
    protected abstract ValueTask OnCommandAsync(TCommand command);

    /// <summary>Runs after recovery, before the first command (e.g. to start timers or announce readiness).</summary>
    protected virtual ValueTask OnRecoveryCompletedAsync() => default;

    /// <summary>Persists one event; completes once it is durable and folded into <see cref="State"/>.</summary>
    protected Task PersistAsync(TEvent @event) => PersistAllAsync([@event]);

    /// <summary>Persists events atomically; completes once they are durable and folded into <see cref="State"/>.</summary>
    protected Task PersistAllAsync(IReadOnlyList<TEvent> events)
    {
        var persist = PersistCoreAsync(events);
        _lastPersist = persist;
        return persist;
    }

    /// <summary>Saves a snapshot now (snapshots every N events happen on their own, see <see cref="EventSourcedBehavior{TState,TEvent}.SnapshotEvery"/>).</summary>
    protected Task SaveSnapshotAsync() => Entity.SaveSnapshotAsync();

    /// <inheritdoc />
    protected internal sealed override async ValueTask PreStartAsync()
    {
        _entity = await PersistentState<TState, TEvent>.RecoverAsync(PersistenceId, _behavior, _persistence).ConfigureAwait(false);
        await OnRecoveryCompletedAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected internal sealed override async ValueTask OnReceiveAsync(TCommand message)
    {
        ExceptionDispatchInfo? failure = null;
        try
        {
            await OnCommandAsync(message).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ExceptionDispatchInfo.Capture(ex);
        }

        // A persist the handler did not await still holds the next command back (and a restart back) until it is done.
        var pending = _lastPersist;
        _lastPersist = Task.CompletedTask;
        if (!pending.IsCompleted)
        {
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (Exception ex) when (failure is null)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }
            catch (Exception)
            {
                // The handler's own failure is reported; this persist's failure is recorded in the entity's Fault.
            }
        }

        failure?.Throw();
    }

    private async Task PersistCoreAsync(IReadOnlyList<TEvent> events)
    {
        if (FencedBy is not null)
        {
            throw new InvalidOperationException($"'{PersistenceId}' was fenced off by another writer; this incarnation persists nothing more.", FencedBy);
        }

        try
        {
            await Entity.PersistAllAsync(events).ConfigureAwait(false);
        }
        catch (JournalConcurrencyException fenced)
        {
            FencedBy = fenced;
            if (StopWhenFenced)
            {
                Context.Stop(Self);
            }

            throw;
        }
    }
}
