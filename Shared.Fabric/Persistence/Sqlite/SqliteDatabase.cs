using Microsoft.Data.Sqlite;

namespace NerfEngine.Shared.Fabric.Persistence.Sqlite;

/// <summary>
/// One SQLite journal database: opens pooled connections with the pragmas every operation needs, and holds one
/// anchor connection for its lifetime so a shared-cache in-memory database (tests) lives as long as the journal.
/// </summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    /// <summary>How long a writer waits for another connection's write lock before SQLite reports busy.</summary>
    private const int BusyTimeoutMs = 10_000;

    /// <summary>SQLitePCL's provider must be chosen once per process before any connection opens.</summary>
    private static readonly Lazy<bool> _nativeLibrary = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        return true;
    });

    private readonly string _connectionString;

    /// <summary>Open for the database's lifetime; never used concurrently (only for the schema check).</summary>
    private readonly SqliteConnection _anchor;

    private SqliteDatabase(string connectionString, string location, SqliteConnection anchor)
    {
        _connectionString = connectionString;
        Location = location;
        _anchor = anchor;
    }

    /// <summary>The database file (or in-memory name) for error messages.</summary>
    public string Location { get; }

    /// <summary>Opens the database, switches files to WAL and creates or checks the schema.</summary>
    public static async Task<SqliteDatabase> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _ = _nativeLibrary.Value;
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var location = $"sqlite:{builder.DataSource}";
        var anchor = await OpenRawAsync(builder.ConnectionString, location, cancellationToken).ConfigureAwait(false);
        try
        {
            // WAL lets readers (recovery, verifier) run while a writer appends; it is stored in the file, so set once.
            using (var wal = anchor.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode = WAL;";
                wal.ExecuteScalar();
            }

            SqliteSchema.Ensure(anchor, location);
            return new SqliteDatabase(builder.ConnectionString, location, anchor);
        }
        catch
        {
            await anchor.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens a pooled connection ready for journal work.</summary>
    public Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        OpenRawAsync(_connectionString, Location, cancellationToken);

    /// <summary>Closes the anchor and the pooled connections, so the file is released once the journal is disposed.</summary>
    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearPool(_anchor);
        return _anchor.DisposeAsync();
    }

    private static async Task<SqliteConnection> OpenRawAsync(string connectionString, string location, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var pragmas = connection.CreateCommand();
            // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
            pragmas.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA synchronous = NORMAL;";
            pragmas.ExecuteNonQuery();
            return connection;
        }
        catch (SqliteException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new JournalConnectionException(location, ex);
        }
    }
}
