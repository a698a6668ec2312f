using Microsoft.Data.Sqlite;

namespace NerfEngine.Shared.Fabric.Persistence.Sqlite;

/// <summary>Creates (idempotently) and version-checks the SQLite journal and snapshot tables.</summary>
internal static class SqliteSchema
{
    private const string CreateTables = """
        CREATE TABLE IF NOT EXISTS event_journal (
            ordering       INTEGER PRIMARY KEY AUTOINCREMENT,
            persistence_id TEXT    NOT NULL,
            sequence_nr    INTEGER NOT NULL,
            timestamp_ms   INTEGER NOT NULL,
            manifest       TEXT    NOT NULL,
            payload        BLOB    NOT NULL,
            tags           TEXT    NOT NULL DEFAULT '',
            prev_hash      BLOB    NOT NULL,
            hash           BLOB    NOT NULL,
            deleted        INTEGER NOT NULL DEFAULT 0,
            UNIQUE (persistence_id, sequence_nr));
        CREATE TABLE IF NOT EXISTS snapshot_store (
            persistence_id TEXT    NOT NULL,
            sequence_nr    INTEGER NOT NULL,
            timestamp_ms   INTEGER NOT NULL,
            manifest       TEXT    NOT NULL,
            payload        BLOB    NOT NULL,
            PRIMARY KEY (persistence_id, sequence_nr));
        """;

    /// <summary>
    /// Inside one write transaction: create the metadata table, refuse newer versions before touching anything
    /// else, then create the tables and record the version on first use.
    /// </summary>
    public static void Ensure(SqliteConnection connection, string location)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "CREATE TABLE IF NOT EXISTS journal_metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL);";
        command.ExecuteNonQuery();

        command.CommandText = "SELECT value FROM journal_metadata WHERE key = $key;";
        command.Parameters.AddWithValue("$key", JournalSchema.VersionKey);
        if (command.ExecuteScalar() is string stored)
        {
            JournalSchema.Check(location, stored);
            transaction.Commit();
            return;
        }

        command.Parameters.Clear();
        command.CommandText = CreateTables;
        command.ExecuteNonQuery();
        command.Parameters.AddWithValue("$key", JournalSchema.VersionKey);
        command.CommandText = "INSERT INTO journal_metadata (key, value) VALUES ($key, $value);";
        command.Parameters.AddWithValue("$value", JournalSchema.CurrentVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
        transaction.Commit();
    }
}
