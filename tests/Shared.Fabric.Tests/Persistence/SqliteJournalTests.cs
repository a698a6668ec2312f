using System.Data.Common;
using Microsoft.Data.Sqlite;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.Sqlite;

namespace NerfEngine.Tests.SharedFabric.Persistence;

/// <summary>The journal contract on SQLite: one temporary WAL file per test.</summary>
public sealed class SqliteJournalTests : JournalContract
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"nerf-journal-{Guid.NewGuid():N}.db");

    protected override PersistenceOptions Options => new() { Provider = PersistenceProvider.Sqlite, ConnectionString = $"Data Source={_path}" };

    protected override string Table(string name) => name;

    protected override async Task<DbConnection> OpenRawConnectionAsync()
    {
        var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    [Fact]
    public async Task A_shared_cache_in_memory_journal_lives_as_long_as_it_is_open()
    {
        var connectionString = $"Data Source=file:nerf-{Guid.NewGuid():N}?mode=memory&cache=shared";
        await using var first = await SqliteEventJournal.OpenAsync(connectionString);
        await first.AppendAsync("m", 0, TallyModel.Edges(1, 2));
        await using var second = await SqliteEventJournal.OpenAsync(connectionString);

        Assert.Equal(2, await second.HighestSequenceNrAsync("m"));
        Assert.Equal(2, (await ToListAsync(second.ReadEventsAsync("m"))).Count);
    }

    [Fact]
    public async Task A_file_in_a_missing_directory_fails_with_the_path_named()
    {
        var path = $"/nonexistent-{Guid.NewGuid():N}/journal.db";

        var error = await Assert.ThrowsAsync<JournalConnectionException>(() => SqliteEventJournal.OpenAsync($"Data Source={path}"));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_file_is_in_wal_mode()
    {
        await OpenJournalAsync();
        await using var connection = await OpenRawConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }
}
