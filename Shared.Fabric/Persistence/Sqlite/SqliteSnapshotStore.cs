using Microsoft.Data.Sqlite;

namespace NerfEngine.Shared.Fabric.Persistence.Sqlite;

/// <summary>Snapshot store in the same SQLite file as the journal (table <c>snapshot_store</c>).</summary>
public sealed class SqliteSnapshotStore : ISnapshotStore
{
    private readonly SqliteDatabase _database;

    private SqliteSnapshotStore(SqliteDatabase database) => _database = database;

    /// <summary>Opens (creating on first use) the snapshot store; same connection string as the journal.</summary>
    public static async Task<SqliteSnapshotStore> OpenAsync(string connectionString, CancellationToken cancellationToken = default) =>
        new(await SqliteDatabase.OpenAsync(connectionString, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task SaveAsync(SnapshotRecord snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        AppendGuard.PersistenceId(snapshot.PersistenceId);
        ArgumentException.ThrowIfNullOrEmpty(snapshot.Manifest);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT OR REPLACE INTO snapshot_store (persistence_id, sequence_nr, timestamp_ms, manifest, payload)
            VALUES ($pid, $seq, $ts, $manifest, $payload);
            """;
        command.Parameters.AddWithValue("$pid", snapshot.PersistenceId);
        command.Parameters.AddWithValue("$seq", snapshot.SequenceNr);
        command.Parameters.AddWithValue("$ts", snapshot.Timestamp.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$manifest", snapshot.Manifest);
        command.Parameters.Add("$payload", SqliteType.Blob).Value = SqliteEventJournal.AsArray(snapshot.Payload);
        command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public async Task<SnapshotRecord?> LoadLatestAsync(string persistenceId, long maxSequenceNr = long.MaxValue, CancellationToken cancellationToken = default)
    {
        AppendGuard.PersistenceId(persistenceId);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT sequence_nr, timestamp_ms, manifest, payload FROM snapshot_store
            WHERE persistence_id = $pid AND sequence_nr <= $max ORDER BY sequence_nr DESC LIMIT 1;
            """;
        command.Parameters.AddWithValue("$pid", persistenceId);
        command.Parameters.AddWithValue("$max", maxSequenceNr);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new SnapshotRecord(
            persistenceId,
            reader.GetInt64(0),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
            reader.GetString(2),
            reader.GetFieldValue<byte[]>(3));
    }

    /// <inheritdoc />
    public async Task<int> DeleteOlderThanAsync(string persistenceId, long sequenceNr, CancellationToken cancellationToken = default)
    {
        AppendGuard.PersistenceId(persistenceId);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM snapshot_store WHERE persistence_id = $pid AND sequence_nr < $seq;";
        command.Parameters.AddWithValue("$pid", persistenceId);
        command.Parameters.AddWithValue("$seq", sequenceNr);
        return command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
