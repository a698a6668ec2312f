using Npgsql;

namespace NerfEngine.Tests.SharedFabric.Persistence;

/// <summary>
/// The real PostgreSQL the tests run on: <c>NERF_TEST_POSTGRES</c> or the local default from
/// scripts/setup-postgres.sh. Unreachable means the tests FAIL with this message, never skip.
/// </summary>
public static class PostgresTestDatabase
{
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=nerf;Password=nerf;Database=nerf_test";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("NERF_TEST_POSTGRES") is { Length: > 0 } configured ? configured : DefaultConnectionString;

    /// <summary>A schema name no other test (or run) uses.</summary>
    public static string NewSchemaName() => $"nerf_test_{Guid.NewGuid():N}";

    /// <summary>Opens a connection or fails with instructions naming the server.</summary>
    public static async Task<NpgsqlConnection> OpenAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Timeout = 5, Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch (Exception ex)
        {
            await connection.DisposeAsync();
            throw new InvalidOperationException(
                $"PostgreSQL tests need a server at {builder.Host}:{builder.Port} database '{builder.Database}' "
                + "(set NERF_TEST_POSTGRES, or run `bash scripts/setup-postgres.sh`). Connecting failed: " + ex.Message, ex);
        }
    }

    public static async Task DropSchemaAsync(string schema)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }
}
