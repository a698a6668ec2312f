using NerfEngine.Shared.Fabric.Persistence.Postgres;
using NerfEngine.Shared.Fabric.Persistence.Serialization;
using NerfEngine.Shared.Fabric.Persistence.Sqlite;

namespace NerfEngine.Shared.Fabric.Persistence;

/// <summary>Opens the journal and snapshot store named by <see cref="PersistenceOptions"/>; the only place that picks a provider.</summary>
public static class PersistenceFactory
{
    /// <summary>Opens the configured journal (creating its schema on first use).</summary>
    public static async Task<IEventJournal> OpenJournalAsync(PersistenceOptions options, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Provider switch
        {
            PersistenceProvider.Sqlite => await SqliteEventJournal.OpenAsync(options.ConnectionString, time, cancellationToken).ConfigureAwait(false),
            PersistenceProvider.Postgres => await PostgresEventJournal.OpenAsync(options.ConnectionString, options.Schema, time, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "Unknown persistence provider."),
        };
    }

    /// <summary>Opens the configured snapshot store (creating its schema on first use).</summary>
    public static async Task<ISnapshotStore> OpenSnapshotStoreAsync(PersistenceOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Provider switch
        {
            PersistenceProvider.Sqlite => await SqliteSnapshotStore.OpenAsync(options.ConnectionString, cancellationToken).ConfigureAwait(false),
            PersistenceProvider.Postgres => await PostgresSnapshotStore.OpenAsync(options.ConnectionString, options.Schema, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "Unknown persistence provider."),
        };
    }

    /// <summary>Opens journal and snapshot store together as a <see cref="PersistenceContext"/>.</summary>
    public static async Task<PersistenceContext> OpenAsync(
        PersistenceOptions options, EventSerializer serializer, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        time ??= TimeProvider.System;
        var journal = await OpenJournalAsync(options, time, cancellationToken).ConfigureAwait(false);
        try
        {
            var snapshots = await OpenSnapshotStoreAsync(options, cancellationToken).ConfigureAwait(false);
            return new PersistenceContext(journal, snapshots, serializer, time);
        }
        catch
        {
            await journal.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
