using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace NerfEngine.Shared.Fabric.Persistence.Sqlite;

/// <summary>
/// The embedded journal: one SQLite file in WAL mode. Appends run in a <c>BEGIN IMMEDIATE</c> transaction so two
/// writers serialize on the file lock, and UNIQUE(persistence_id, sequence_nr) turns the loser into a
/// <see cref="JournalConcurrencyException"/>.
/// </summary>
public sealed class SqliteEventJournal : IEventJournal
{
    /// <summary>Row columns after the id; per-id reads skip the id column (known already, one string less per row).</summary>
    private const string RowColumns = "sequence_nr, timestamp_ms, manifest, payload, tags, prev_hash, hash, deleted";

    private const string Columns = "ordering, persistence_id, " + RowColumns;

    /// <summary>SQLITE_CONSTRAINT_UNIQUE: the fencing violation.</summary>
    private const int UniqueViolation = 2067;

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    private SqliteEventJournal(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    /// <summary>Opens (creating on first use) a journal, e.g. <c>Data Source=/var/lib/nerf/journal.db</c>.</summary>
    /// <param name="connectionString">Microsoft.Data.Sqlite connection string; <c>Data Source=file:name?mode=memory&amp;cache=shared</c> for an in-memory journal.</param>
    /// <param name="time">Clock for event timestamps; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    public static async Task<SqliteEventJournal> OpenAsync(string connectionString, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var database = await SqliteDatabase.OpenAsync(connectionString, cancellationToken).ConfigureAwait(false);
        return new SqliteEventJournal(database, time ?? TimeProvider.System);
    }

    /// <inheritdoc />
    public async Task<AppendResult> AppendAsync(
        string persistenceId, long expectedSequenceNr, IReadOnlyList<EventToAppend> events, CancellationToken cancellationToken = default)
    {
        AppendGuard.Append(persistenceId, expectedSequenceNr, events);
        var timestampMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var encodedTags = events.Select(e => EventTags.Encode(e.Tags)).ToArray();
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction(deferred: false);

        var prevHash = expectedSequenceNr == 0 ? EventHash.NewZero() : HashAt(connection, transaction, persistenceId, expectedSequenceNr);
        if (prevHash is null)
        {
            throw new JournalConcurrencyException(persistenceId, expectedSequenceNr, HighestSequenceNr(connection, transaction, persistenceId));
        }

        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO event_journal (persistence_id, sequence_nr, timestamp_ms, manifest, payload, tags, prev_hash, hash)
            VALUES ($pid, $seq, $ts, $manifest, $payload, $tags, $prev, $hash);
            """;
        insert.Parameters.AddWithValue("$pid", persistenceId);
        insert.Parameters.AddWithValue("$ts", timestampMs);
        var seqParameter = insert.Parameters.Add("$seq", SqliteType.Integer);
        var manifestParameter = insert.Parameters.Add("$manifest", SqliteType.Text);
        var payloadParameter = insert.Parameters.Add("$payload", SqliteType.Blob);
        var tagsParameter = insert.Parameters.Add("$tags", SqliteType.Text);
        var prevParameter = insert.Parameters.Add("$prev", SqliteType.Blob);
        var hashParameter = insert.Parameters.Add("$hash", SqliteType.Blob);
        insert.Prepare();

        var sequenceNr = expectedSequenceNr;
        try
        {
            for (var i = 0; i < events.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var e = events[i];
                sequenceNr++;
                var hash = EventHash.Compute(prevHash, persistenceId, sequenceNr, e.Manifest, e.Payload.Span);
                seqParameter.Value = sequenceNr;
                manifestParameter.Value = e.Manifest;
                payloadParameter.Value = AsArray(e.Payload);
                tagsParameter.Value = encodedTags[i];
                prevParameter.Value = prevHash;
                hashParameter.Value = hash;
                insert.ExecuteNonQuery();
                prevHash = hash;
            }
        }
        catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == UniqueViolation)
        {
            transaction.Rollback();
            throw new JournalConcurrencyException(persistenceId, expectedSequenceNr, HighestSequenceNr(connection, null, persistenceId), ex);
        }

        transaction.Commit();
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
            SELECT ordering, {RowColumns} FROM event_journal
            WHERE persistence_id = $pid AND sequence_nr >= $from AND sequence_nr <= $to {(includeDeleted ? "" : "AND deleted = 0")}
            ORDER BY sequence_nr;
            """,
            [("$pid", persistenceId), ("$from", fromSequenceNr), ("$to", toSequenceNr)],
            persistenceId,
            cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<JournalEvent> ReadAllEventsAsync(
        long afterOrdering = 0, int limit = int.MaxValue, bool includeDeleted = false, CancellationToken cancellationToken = default) =>
        QueryAsync(
            $"SELECT {Columns} FROM event_journal WHERE ordering > $after {(includeDeleted ? "" : "AND deleted = 0")} ORDER BY ordering LIMIT $limit;",
            [("$after", afterOrdering), ("$limit", limit)],
            null,
            cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<JournalEvent> ReadEventsByTagAsync(
        string tag, long afterOrdering = 0, int limit = int.MaxValue, CancellationToken cancellationToken = default) =>
        QueryAsync(
            $"SELECT {Columns} FROM event_journal WHERE ordering > $after AND deleted = 0 AND instr(tags, $needle) > 0 ORDER BY ordering LIMIT $limit;",
            [("$after", afterOrdering), ("$needle", EventTags.Needle(tag)), ("$limit", limit)],
            null,
            cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> CurrentPersistenceIdsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT persistence_id FROM event_journal;";
        var ids = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
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
        return HighestSequenceNr(connection, null, persistenceId);
    }

    /// <inheritdoc />
    public async Task<long> DeleteToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        AppendGuard.PersistenceId(persistenceId);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE event_journal SET deleted = 1 WHERE persistence_id = $pid AND sequence_nr <= $to AND deleted = 0;";
        command.Parameters.AddWithValue("$pid", persistenceId);
        command.Parameters.AddWithValue("$to", toSequenceNr);
        return command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _database.DisposeAsync();

    private static byte[]? HashAt(SqliteConnection connection, SqliteTransaction transaction, string persistenceId, long sequenceNr)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT hash FROM event_journal WHERE persistence_id = $pid AND sequence_nr = $seq;";
        command.Parameters.AddWithValue("$pid", persistenceId);
        command.Parameters.AddWithValue("$seq", sequenceNr);
        return command.ExecuteScalar() as byte[];
    }

    private static long HighestSequenceNr(SqliteConnection connection, SqliteTransaction? transaction, string persistenceId)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(MAX(sequence_nr), 0) FROM event_journal WHERE persistence_id = $pid;";
        command.Parameters.AddWithValue("$pid", persistenceId);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Streams a row query. Selects <c>ordering</c>, then <c>persistence_id</c> unless
    /// <paramref name="knownPersistenceId"/> is given, then <see cref="RowColumns"/>.
    /// </summary>
    private async IAsyncEnumerable<JournalEvent> QueryAsync(
        string sql, (string Name, object Value)[] parameters, string? knownPersistenceId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var c = knownPersistenceId is null ? 2 : 1;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
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
                IsDeleted: reader.GetInt64(c + 7) != 0);
        }
    }

    /// <summary>SQLite parameters need an exact array; avoid the copy when the memory already is one.</summary>
    internal static byte[] AsArray(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
}
