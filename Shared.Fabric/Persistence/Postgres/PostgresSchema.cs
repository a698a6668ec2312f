using Npgsql;

namespace NerfEngine.Shared.Fabric.Persistence.Postgres;

/// <summary>Creates (idempotently, under an advisory lock so parallel nodes do not race) and version-checks the PostgreSQL tables.</summary>
internal static class PostgresSchema
{
    /// <summary>
    /// One transaction: take the advisory lock, create schema and metadata table, refuse newer versions before
    /// touching anything else, then create tables and record the version on first use.
    /// </summary>
    public static async Task EnsureAsync(NpgsqlConnection connection, string schemaName, string schema, string location, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand { Connection = connection, Transaction = transaction };

        command.CommandText = "SELECT pg_advisory_xact_lock(hashtext(@lock)::bigint);";
        command.Parameters.AddWithValue("lock", $"nerf-persistence-schema:{schemaName}");
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        command.Parameters.Clear();

        // CREATE SCHEMA IF NOT EXISTS checks the CREATE privilege even when the schema exists; look first.
        command.CommandText = "SELECT 1 FROM pg_namespace WHERE nspname = @name;";
        command.Parameters.AddWithValue("name", schemaName);
        var schemaExists = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        command.Parameters.Clear();
        if (!schemaExists)
        {
            command.CommandText = $"CREATE SCHEMA {schema};";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        command.CommandText = $"CREATE TABLE IF NOT EXISTS {schema}.journal_metadata (key text PRIMARY KEY, value text NOT NULL);";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        command.CommandText = $"SELECT value FROM {schema}.journal_metadata WHERE key = @key;";
        command.Parameters.AddWithValue("key", JournalSchema.VersionKey);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string stored)
        {
            JournalSchema.Check(location, stored);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        command.Parameters.Clear();
        command.CommandText = $"""
            CREATE TABLE IF NOT EXISTS {schema}.event_journal (
                ordering       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                persistence_id text    NOT NULL,
                sequence_nr    bigint  NOT NULL,
                timestamp_ms   bigint  NOT NULL,
                manifest       text    NOT NULL,
                payload        bytea   NOT NULL,
                tags           text    NOT NULL DEFAULT '',
                prev_hash      bytea   NOT NULL,
                hash           bytea   NOT NULL,
                deleted        boolean NOT NULL DEFAULT false,
                CONSTRAINT event_journal_persistence_id_sequence_nr_key UNIQUE (persistence_id, sequence_nr));
            CREATE TABLE IF NOT EXISTS {schema}.snapshot_store (
                persistence_id text   NOT NULL,
                sequence_nr    bigint NOT NULL,
                timestamp_ms   bigint NOT NULL,
                manifest       text   NOT NULL,
                payload        bytea  NOT NULL,
                PRIMARY KEY (persistence_id, sequence_nr));
            INSERT INTO {schema}.journal_metadata (key, value) VALUES (@key, @value);
            """;
        command.Parameters.AddWithValue("key", JournalSchema.VersionKey);
        command.Parameters.AddWithValue("value", JournalSchema.CurrentVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
