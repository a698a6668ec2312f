using Npgsql;

namespace NerfEngine.Shared.Fabric.Persistence.Postgres;

/// <summary>Snapshot store on PostgreSQL, in the same schema as the journal (table <c>snapshot_store</c>).</summary>
public sealed class PostgresSnapshotStore : ISnapshotStore
{
    private readonly PostgresDatabase _database;
    private readonly string _table;

    private PostgresSnapshotStore(PostgresDatabase database)
    {
        _database = database;
        _table = $"{database.Schema}.snapshot_store";
    }

    /// <summary>Opens (creating on first use) the snapshot store; same arguments as <see cref="PostgresEventJournal.OpenAsync"/>.</summary>
    public static async Task<PostgresSnapshotStore> OpenAsync(string connectionString, string schema = "public", CancellationToken cancellationToken = default) =>
        new(await PostgresDatabase.OpenAsync(connectionString, schema, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task SaveAsync(SnapshotRecord snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        AppendGuard.PersistenceId(snapshot.PersistenceId);
        ArgumentException.ThrowIfNullOrEmpty(snapshot.Manifest);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {_table} (persistence_id, sequence_nr, timestamp_ms, manifest, payload) VALUES (@pid, @seq, @ts, @manifest, @payload)
            ON CONFLICT (persistence_id, sequence_nr)
            DO UPDATE SET timestamp_ms = EXCLUDED.timestamp_ms, manifest = EXCLUDED.manifest, payload = EXCLUDED.payload
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter<string>("pid", snapshot.PersistenceId));
        command.Parameters.Add(new NpgsqlParameter<long>("seq", snapshot.SequenceNr));
        command.Parameters.Add(new NpgsqlParameter<long>("ts", snapshot.Timestamp.ToUnixTimeMilliseconds()));
        command.Parameters.Add(new NpgsqlParameter<string>("manifest", snapshot.Manifest));
        command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("payload", snapshot.Payload) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SnapshotRecord?> LoadLatestAsync(string persistenceId, long maxSequenceNr = long.MaxValue, CancellationToken cancellationToken = default)
    {
        AppendGuard.PersistenceId(persistenceId);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"""
            SELECT sequence_nr, timestamp_ms, manifest, payload FROM {_table}
            WHERE persistence_id = @pid AND sequence_nr <= @max ORDER BY sequence_nr DESC LIMIT 1
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter<string>("pid", persistenceId));
        command.Parameters.Add(new NpgsqlParameter<long>("max", maxSequenceNr));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
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
        await using var command = new NpgsqlCommand($"DELETE FROM {_table} WHERE persistence_id = @pid AND sequence_nr < @seq", connection);
        command.Parameters.Add(new NpgsqlParameter<string>("pid", persistenceId));
        command.Parameters.Add(new NpgsqlParameter<long>("seq", sequenceNr));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
