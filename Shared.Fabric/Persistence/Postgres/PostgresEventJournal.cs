using System.Data;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace NerfEngine.Shared.Fabric.Persistence.Postgres;

/// <summary>
/// The cluster journal on PostgreSQL. A batch is appended with one binary COPY inside a transaction (one round
/// trip for the rows, all or nothing); reads stream rows from the server without buffering the result.
/// UNIQUE(persistence_id, sequence_nr) turns a second writer into a <see cref="JournalConcurrencyException"/>.
/// </summary>
public sealed class PostgresEventJournal : IEventJournal
{
    /// <summary>Row columns after the id; per-id reads skip the id column (known already, one string less per row).</summary>
    private const string RowColumns = "sequence_nr, timestamp_ms, manifest, payload, tags, prev_hash, hash, deleted";

    private const string Columns = "ordering, persistence_id, " + RowColumns;

    private readonly PostgresDatabase _database;
    private readonly TimeProvider _time;
    private readonly string _table;

    private PostgresEventJournal(PostgresDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
        _table = $"{database.Schema}.event_journal";
    }

    /// <summary>Opens (creating on first use) a journal in <paramref name="schema"/>.</summary>
    /// <param name="connectionString">Npgsql connection string; a 5 s connect timeout applies unless it sets <c>Timeout</c>.</param>
    /// <param name="schema">Schema holding the tables (lower-case identifier); created if missing.</param>
    /// <param name="time">Clock for event timestamps; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    public static async Task<PostgresEventJournal> OpenAsync(
        string connectionString, string schema = "public", TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var database = await PostgresDatabase.OpenAsync(connectionString, schema, cancellationToken).ConfigureAwait(false);
        return new PostgresEventJournal(database, time ?? TimeProvider.System);
    }

    /// <inheritdoc />
    public async Task<AppendResult> AppendAsync(
        string persistenceId, long expectedSequenceNr, IReadOnlyList<EventToAppend> events, CancellationToken cancellationToken = default)
    {
        AppendGuard.Append(persistenceId, expectedSequenceNr, events);
        var timestampMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var encodedTags = events.Select(e => EventTags.Encode(e.Tags)).ToArray();
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        var prevHash = expectedSequenceNr == 0
            ? EventHash.NewZero()
            : await HashAtAsync(connection, persistenceId, expectedSequenceNr, cancellationToken).ConfigureAwait(false);
        if (prevHash is null)
        {
            var highest = await HighestSequenceNrAsync(connection, persistenceId, cancellationToken).ConfigureAwait(false);
            throw new JournalConcurrencyException(persistenceId, expectedSequenceNr, highest);
        }

        var sequenceNr = expectedSequenceNr;
        try
        {
            await using (var importer = await connection.BeginBinaryImportAsync(
                $"COPY {_table} (persistence_id, sequence_nr, timestamp_ms, manifest, payload, tags, prev_hash, hash) FROM STDIN (FORMAT BINARY)",
                cancellationToken).ConfigureAwait(false))
            {
                for (var i = 0; i < events.Count; i++)
                {
                    var e = events[i];
                    sequenceNr++;
                    var hash = EventHash.Compute(prevHash, persistenceId, sequenceNr, e.Manifest, e.Payload.Span);
                    await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(persistenceId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(sequenceNr, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(timestampMs, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(e.Manifest, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(e.Payload, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(encodedTags[i], NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(prevHash, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(hash, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                    prevHash = hash;
                }

                await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            var highest = await HighestSequenceNrAsync(connection, persistenceId, CancellationToken.None).ConfigureAwait(false);
            throw new JournalConcurrencyException(persistenceId, expectedSequenceNr, highest, ex);
        }

        return new AppendResult(persistenceId, expectedSequenceNr + 1, sequenceNr, prevHash);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<JournalEvent> ReadEventsAsync(
        string persistenceId, long fromSequenceNr = 1, long toSequenceNr = long.MaxValue, bool includeDeleted = false,
        CancellationToken cancellationToken = default)
    {
        AppendGuard.PersistenceId(persistenceId);
        return QueryAsync(
            $"""
            SELECT ordering, {RowColumns} FROM {_table}
            WHERE persistence_id = @pid AND sequence_nr >= @from AND sequence_nr <= @to AND (@all OR NOT deleted)
            ORDER BY sequence_nr
            """,
            [
                new NpgsqlParameter<string>("pid", persistenceId), new NpgsqlParameter<long>("from", fromSequenceNr),
                new NpgsqlParameter<long>("to", toSequenceNr), new NpgsqlParameter<bool>("all", includeDeleted),
            ],
            persistenceId,
            cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<JournalEvent> ReadAllEventsAsync(
        long afterOrdering = 0, int limit = int.MaxValue, bool includeDeleted = false, CancellationToken cancellationToken = default) =>
        QueryAsync(
            $"SELECT {Columns} FROM {_table} WHERE ordering > @after AND (@all OR NOT deleted) ORDER BY ordering LIMIT @limit",
            [new NpgsqlParameter<long>("after", afterOrdering), new NpgsqlParameter<bool>("all", includeDeleted), new NpgsqlParameter<long>("limit", limit)],
            null,
            cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<JournalEvent> ReadEventsByTagAsync(
        string tag, long afterOrdering = 0, int limit = int.MaxValue, CancellationToken cancellationToken = default) =>
        QueryAsync(
            $"SELECT {Columns} FROM {_table} WHERE ordering > @after AND NOT deleted AND strpos(tags, @needle) > 0 ORDER BY ordering LIMIT @limit",
            [new NpgsqlParameter<long>("after", afterOrdering), new NpgsqlParameter<string>("needle", EventTags.Needle(tag)), new NpgsqlParameter<long>("limit", limit)],
            null,
            cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> CurrentPersistenceIdsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT DISTINCT persistence_id FROM {_table}", connection);
        var ids = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetString(0));
            }
        }

        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    /// <inheritdoc />
    public async Task<long> HighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        AppendGuard.PersistenceId(persistenceId);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await HighestSequenceNrAsync(connection, persistenceId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long> DeleteToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        AppendGuard.PersistenceId(persistenceId);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"UPDATE {_table} SET deleted = TRUE WHERE persistence_id = @pid AND sequence_nr <= @to AND NOT deleted", connection);
        command.Parameters.Add(new NpgsqlParameter<string>("pid", persistenceId));
        command.Parameters.Add(new NpgsqlParameter<long>("to", toSequenceNr));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _database.DisposeAsync();

    private async Task<byte[]?> HashAtAsync(NpgsqlConnection connection, string persistenceId, long sequenceNr, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT hash FROM {_table} WHERE persistence_id = @pid AND sequence_nr = @seq", connection);
        command.Parameters.Add(new NpgsqlParameter<string>("pid", persistenceId));
        command.Parameters.Add(new NpgsqlParameter<long>("seq", sequenceNr));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
    }

    private async Task<long> HighestSequenceNrAsync(NpgsqlConnection connection, string persistenceId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT COALESCE(MAX(sequence_nr), 0) FROM {_table} WHERE persistence_id = @pid", connection);
        command.Parameters.Add(new NpgsqlParameter<string>("pid", persistenceId));
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Streams a row query (one iterator per row, no buffering of the result). Sequential access consumes columns
    /// in order straight from the network buffer. The query selects <c>ordering</c>, then <c>persistence_id</c>
    /// unless <paramref name="knownPersistenceId"/> is given, then <see cref="RowColumns"/>.
    /// </summary>
    private async IAsyncEnumerable<JournalEvent> QueryAsync(
        string sql, NpgsqlParameter[] parameters, string? knownPersistenceId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        var c = knownPersistenceId is null ? 2 : 1;
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new JournalEvent(
                GlobalOrdering: reader.GetInt64(0),
                PersistenceId: knownPersistenceId ?? reader.GetString(1),
                SequenceNr: reader.GetInt64(c),
                Timestamp: DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(c + 1)),
                Manifest: reader.GetString(c + 2),
                Payload: reader.GetFieldValue<byte[]>(c + 3),
                Tags: EventTags.Decode(reader.GetString(c + 4)),
                PrevHash: reader.GetFieldValue<byte[]>(c + 5),
                Hash: reader.GetFieldValue<byte[]>(c + 6),
                IsDeleted: reader.GetBoolean(c + 7));
        }
    }
}
