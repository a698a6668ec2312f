using NerfEngine.Shared.Fabric.Persistence.Serialization;

namespace NerfEngine.Shared.Fabric.Persistence;

/// <summary>
/// Everything an event-sourced entity needs: journal, snapshot store, serializer and clock. Shared by all
/// entities of a process; owns (and disposes) the journal and snapshot store it was given.
/// </summary>
/// <param name="journal">Event journal.</param>
/// <param name="snapshots">Snapshot store.</param>
/// <param name="serializer">Manifest ↔ type mapping for events and snapshot states.</param>
/// <param name="time">Clock for snapshot timestamps.</param>
public sealed class PersistenceContext(IEventJournal journal, ISnapshotStore snapshots, EventSerializer serializer, TimeProvider time) : IAsyncDisposable
{
    /// <summary>Event journal.</summary>
    public IEventJournal Journal { get; } = journal ?? throw new ArgumentNullException(nameof(journal));

    /// <summary>Snapshot store.</summary>
    public ISnapshotStore Snapshots { get; } = snapshots ?? throw new ArgumentNullException(nameof(snapshots));

    /// <summary>Manifest ↔ type mapping for events and snapshot states.</summary>
    public EventSerializer Serializer { get; } = serializer ?? throw new ArgumentNullException(nameof(serializer));

    /// <summary>Clock for snapshot timestamps.</summary>
    public TimeProvider Time { get; } = time ?? throw new ArgumentNullException(nameof(time));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Journal.DisposeAsync().ConfigureAwait(false);
        await Snapshots.DisposeAsync().ConfigureAwait(false);
    }
}
