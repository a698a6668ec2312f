namespace NerfEngine.Shared.Fabric.Persistence.EventSourcing;

/// <summary>
/// How an entity's state evolves: the initial state, the pure event handler that folds one event into the
/// state, optional tags, and when to snapshot. Kept free of I/O so the fold is unit-testable on its own and
/// recovery replays exactly the code that ran when the event was first persisted.
/// </summary>
/// <typeparam name="TState">Entity state; treat it as immutable (return a new value from <see cref="ApplyEvent"/>).</typeparam>
/// <typeparam name="TEvent">Base type of the entity's events; every concrete event type must be registered with the serializer.</typeparam>
/// <param name="InitialState">State before the first event.</param>
/// <param name="ApplyEvent">Folds one event into the state; must be deterministic and must not fail for a persisted event.</param>
public sealed record EventSourcedBehavior<TState, TEvent>(TState InitialState, Func<TState, TEvent, TState> ApplyEvent)
    where TState : notnull
    where TEvent : notnull
{
    /// <summary>Save a snapshot once this many events were persisted since the last one; 0 disables snapshots. Default 1000.</summary>
    public int SnapshotEvery { get; init; } = 1000;

    /// <summary>Delete older snapshots after each successful save, keeping only the newest. Default true.</summary>
    public bool DeleteOlderSnapshots { get; init; } = true;

    /// <summary>Tags for an event (for <see cref="IEventJournal.ReadEventsByTagAsync"/>); none when null.</summary>
    public Func<TEvent, IReadOnlyList<string>?>? Tagger { get; init; }
}
