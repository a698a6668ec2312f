using System.Data.Common;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.Postgres;

namespace NerfEngine.Tests.SharedFabric.Persistence;

/// <summary>The journal contract on the real PostgreSQL: one fresh schema per test, dropped afterwards.</summary>
public sealed class PostgresJournalTests : JournalContract
{
    private readonly string _schema = PostgresTestDatabase.NewSchemaName();

    protected override PersistenceOptions Options => new()
    {
        Provider = PersistenceProvider.Postgres,
        ConnectionString = PostgresTestDatabase.ConnectionString,
        Schema = _schema,
    };

    protected override string Table(string name) => $"\"{_schema}\".{name}";

    protected override async Task<DbConnection> OpenRawConnectionAsync() => await PostgresTestDatabase.OpenAsync();

    public override async Task InitializeAsync()
    {
        // Fails every test here with a clear message when the server is down.
        await using var probe = await PostgresTestDatabase.OpenAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await PostgresTestDatabase.DropSchemaAsync(_schema);
    }

    [Fact]
    public async Task An_unreachable_server_fails_promptly_naming_host_and_port()
    {
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<JournalConnectionException>(
            () => PostgresEventJournal.OpenAsync("Host=127.0.0.1;Port=1;Username=nerf;Password=nerf;Database=nerf_test", _schema));

        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Configuration_selects_the_postgres_provider()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Persistence:Provider"] = "postgres",
                ["Persistence:ConnectionString"] = PostgresTestDatabase.ConnectionString,
                ["Persistence:Schema"] = _schema,
            })
            .Build();

        await using var journal = await PersistenceFactory.OpenJournalAsync(PersistenceOptions.FromConfiguration(configuration));

        Assert.IsType<PostgresEventJournal>(journal);
    }
}
