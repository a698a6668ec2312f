using System.Data.Common;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace NerfEngine.Shared.Fabric.Persistence.Postgres;

/// <summary>
/// One PostgreSQL journal location (server + schema): a pooled <see cref="NpgsqlDataSource"/> with automatic
/// statement preparation, a short default connect timeout, and connection failures turned into
/// <see cref="JournalConnectionException"/> naming host and port.
/// </summary>
internal sealed partial class PostgresDatabase : IAsyncDisposable
{
    /// <summary>Connect timeout applied when the connection string sets none: fail fast, a node should not hang at start.</summary>
    private const int DefaultConnectTimeoutSeconds = 5;

    private readonly NpgsqlDataSource _dataSource;

    private PostgresDatabase(NpgsqlDataSource dataSource, string endpoint, string schema)
    {
        _dataSource = dataSource;
        Endpoint = endpoint;
        Schema = schema;
    }

    /// <summary><c>host:port/database</c>, for error messages.</summary>
    public string Endpoint { get; }

    /// <summary>The quoted schema identifier to prefix table names with.</summary>
    public string Schema { get; }

    /// <summary>Connects, then creates or checks the schema (see <see cref="PostgresSchema"/>).</summary>
    public static async Task<PostgresDatabase> OpenAsync(string connectionString, string schema, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        if (!SchemaName().IsMatch(schema))
        {
            throw new ArgumentException($"PostgreSQL schema name '{schema}' must match {SchemaName()} (it is spliced into SQL).", nameof(schema));
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var explicitKeys = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!explicitKeys.ContainsKey("Timeout"))
        {
            builder.Timeout = DefaultConnectTimeoutSeconds;
        }

        if (!explicitKeys.ContainsKey("Max Auto Prepare"))
        {
            // Every journal statement is fixed text; preparing it once per physical connection saves parse/plan per call.
            builder.MaxAutoPrepare = 32;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!explicitKeys.ContainsKey("Read Buffer Size"))
        {
            // Recovery streams many small rows: a larger buffer means fewer socket reads per row.
            builder.ReadBufferSize = 64 * 1024;
        }

        var endpoint = $"{builder.Host}:{builder.Port}/{builder.Database}";
        var database = new PostgresDatabase(NpgsqlDataSource.Create(builder), endpoint, $"\"{schema}\"");
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await PostgresSchema.EnsureAsync(connection, schema, database.Schema, $"{endpoint} schema {schema}", cancellationToken).ConfigureAwait(false);
            return database;
        }
        catch
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens a pooled connection; unreachable or refusing servers become <see cref="JournalConnectionException"/>.</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw new JournalConnectionException(Endpoint, ex);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
