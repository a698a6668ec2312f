using Microsoft.Extensions.Configuration;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.Sqlite;

namespace NerfEngine.Tests.SharedFabric.Persistence;

public sealed class PersistenceOptionsTests
{
    [Fact]
    public void Without_configuration_the_embedded_sqlite_journal_is_chosen()
    {
        var options = PersistenceOptions.FromConfiguration(Configuration());

        Assert.Equal(PersistenceProvider.Sqlite, options.Provider);
        Assert.Equal(PersistenceOptions.DefaultSqliteConnectionString, options.ConnectionString);
    }

    [Fact]
    public void Provider_names_are_case_insensitive()
    {
        var options = PersistenceOptions.FromConfiguration(Configuration(("Persistence:Provider", "PostgreSQL"), ("Persistence:ConnectionString", "Host=db")));

        Assert.Equal((PersistenceProvider.Postgres, "Host=db", "public"), (options.Provider, options.ConnectionString, options.Schema));
    }

    [Fact]
    public void An_unknown_provider_is_a_clear_error()
    {
        var error = Assert.Throws<JournalException>(() => PersistenceOptions.FromConfiguration(Configuration(("Persistence:Provider", "mongo"))));

        Assert.Contains("'mongo'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_without_a_connection_string_is_a_clear_error()
    {
        Assert.Throws<JournalException>(() => PersistenceOptions.FromConfiguration(Configuration(("Persistence:Provider", "postgres"))));
    }

    [Fact]
    public async Task Configuration_selects_the_sqlite_provider()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nerf-options-{Guid.NewGuid():N}.db");
        try
        {
            var options = PersistenceOptions.FromConfiguration(Configuration(("Persistence:Provider", "sqlite"), ("Persistence:ConnectionString", $"Data Source={path}")));
            await using var journal = await PersistenceFactory.OpenJournalAsync(options);

            Assert.IsType<SqliteEventJournal>(journal);
            Assert.True(File.Exists(path));
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        }
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
