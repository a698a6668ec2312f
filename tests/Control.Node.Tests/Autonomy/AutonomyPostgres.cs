using Npgsql;
using NerfEngine.Control.Autonomy.Ledger;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.Postgres;

namespace NerfEngine.Tests.ControlNode.Autonomy;

/// <summary>
/// The real PostgreSQL the restart scenario runs on: <c>NERF_TEST_POSTGRES</c> or the local default from
/// scripts/setup-postgres.sh, one fresh schema per test. Unreachable means the test FAILS with instructions, never skips.
/// (Mirrors the persistence tests' helper, which lives in another test assembly.)
/// </summary>
internal static class AutonomyPostgres
{
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=nerf;Password=nerf;Database=nerf_test";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("NERF_TEST_POSTGRES") is { Length: > 0 } configured ? configured : DefaultConnectionString;

    public static string NewSchemaName() => $"nerf_autonomy_{Guid.NewGuid():N}";

    /// <summary>Opens journal and snapshot store in <paramref name="schema"/>, or fails naming the server and the fix.</summary>
    public static async Task<PersistenceContext> OpenAsync(string schema, TimeProvider time)
    {
        await EnsureReachableAsync();
        return new PersistenceContext(
            await PostgresEventJournal.OpenAsync(ConnectionString, schema, time),
            await PostgresSnapshotStore.OpenAsync(ConnectionString, schema),
            AutonomySerialization.NewSerializer(),
            time);
    }

    public static async Task DropSchemaAsync(string schema)
    {
        await using var connection = await ConnectAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task EnsureReachableAsync()
    {
        await using var connection = await ConnectAsync();
    }

    private static async Task<NpgsqlConnection> ConnectAsync()
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
                $"The autonomy restart test needs PostgreSQL at {builder.Host}:{builder.Port} database '{builder.Database}' "
                + "(set NERF_TEST_POSTGRES, or run `bash scripts/setup-postgres.sh`). Connecting failed: " + ex.Message, ex);
        }
    }
}
