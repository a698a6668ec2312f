namespace NerfEngine.Shared.Fabric.Persistence;

/// <summary>
/// Snapshot store (Akka.Persistence's shape): snapshots only shorten recovery; the journal stays the source of
/// truth, so losing a snapshot costs replay time, never data.
/// </summary>
public interface ISnapshotStore : IAsyncDisposable
{
    /// <summary>Saves a snapshot; saving again at the same (id, sequence) replaces it.</summary>
    Task SaveAsync(SnapshotRecord snapshot, CancellationToken cancellationToken = default);

    /// <summary>Loads the newest snapshot of an id with sequence ≤ <paramref name="maxSequenceNr"/>, or null.</summary>
    Task<SnapshotRecord?> LoadLatestAsync(string persistenceId, long maxSequenceNr = long.MaxValue, CancellationToken cancellationToken = default);

    /// <summary>Deletes snapshots of an id with sequence &lt; <paramref name="sequenceNr"/>; returns how many.</summary>
    Task<int> DeleteOlderThanAsync(string persistenceId, long sequenceNr, CancellationToken cancellationToken = default);
}
