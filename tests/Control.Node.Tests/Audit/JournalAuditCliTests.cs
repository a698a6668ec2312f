using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.Sqlite;
using NerfEngine.Tests.ControlNode.Support;

namespace NerfEngine.Tests.ControlNode.Audit;

/// <summary><c>Control.Node journal replay|verify</c> against a real SQLite journal file.</summary>
public sealed class JournalAuditCliTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("nerf-audit-").FullName;
    private string ConnectionString => $"Data Source={Path.Combine(_dir, "journal.db")}";

    public async Task InitializeAsync()
    {
        await using var journal = await SqliteEventJournal.OpenAsync(ConnectionString);
        for (var i = 1; i <= 5; i++)
        {
            var payload = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { step = i, note = $"event {i}" }));
            await journal.AppendAsync("audit-demo", i - 1, [new EventToAppend("demo.step.v1", payload, ["demo"])]);
        }
        await journal.AppendAsync("other", 0, [new EventToAppend("demo.step.v1", "{\"step\":1}"u8.ToArray())]);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Verify_passes_on_an_untouched_journal()
    {
        var r = await ControlNodeProcess.RunAsync(Timeout, "journal", "verify", "--set", $"Persistence:ConnectionString={ConnectionString}");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("6 events verified", r.Stdout);
    }

    [Fact]
    public async Task Verify_names_the_first_altered_event_and_exits_non_zero()
    {
        Exec("UPDATE event_journal SET payload = CAST('{\"step\":99}' AS BLOB) WHERE persistence_id = 'audit-demo' AND sequence_nr = 3");
        var r = await ControlNodeProcess.RunAsync(Timeout, "journal", "verify", "--set", $"Persistence:ConnectionString={ConnectionString}");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("AlteredEvent", r.Stderr);
        Assert.Contains("'audit-demo', sequence 3", r.Stderr);
    }

    [Fact]
    public async Task Verify_names_a_missing_event()
    {
        Exec("DELETE FROM event_journal WHERE persistence_id = 'audit-demo' AND sequence_nr = 2");
        var r = await ControlNodeProcess.RunAsync(Timeout, "journal", "verify", "--persistence-id", "audit-demo", "--set", $"Persistence:ConnectionString={ConnectionString}");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("MissingEvent", r.Stderr);
        Assert.Contains("sequence 2", r.Stderr);
    }

    [Fact]
    public async Task Replay_prints_every_event_in_order_as_json_lines_with_chain_checks()
    {
        var r = await ControlNodeProcess.RunAsync(Timeout, "journal", "replay", "--persistence-id", "audit-demo", "--from", "2", "--to", "4",
            "--format", "jsonl", "--set", $"Persistence:ConnectionString={ConnectionString}");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal([2L, 3L, 4L], lines.Select(l => l.GetProperty("sequence_nr").GetInt64()));
        Assert.All(lines, l => Assert.True(l.GetProperty("chain_ok").GetBoolean()));
        Assert.Equal(3, lines[1].GetProperty("payload").GetProperty("step").GetInt32());
    }

    [Fact]
    public async Task Replay_as_text_shows_each_events_hash_chain_check()
    {
        Exec("UPDATE event_journal SET payload = CAST('{\"step\":42}' AS BLOB) WHERE persistence_id = 'audit-demo' AND sequence_nr = 4");
        var r = await ControlNodeProcess.RunAsync(Timeout, "journal", "replay", "--persistence-id", "audit-demo", "--format", "text",
            "--set", $"Persistence:ConnectionString={ConnectionString}");

        Assert.Equal(1, r.ExitCode);
        var blocks = r.Stdout.Split("audit-demo #", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, blocks.Length);
        Assert.All(blocks.Where(b => b[0] is '1' or '2' or '3'), b => Assert.Contains("  chain: ok", b));
        Assert.Contains("  chain: CHAIN BROKEN", Assert.Single(blocks, b => b.StartsWith('4')));
    }

    [Fact]
    public async Task Replay_flags_a_tampered_event_and_exits_non_zero()
    {
        Exec("UPDATE event_journal SET payload = CAST('{\"step\":42}' AS BLOB) WHERE persistence_id = 'audit-demo' AND sequence_nr = 4");
        var r = await ControlNodeProcess.RunAsync(Timeout, "journal", "replay", "--set", $"Persistence:ConnectionString={ConnectionString}");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("audit-demo #4", r.Stdout);
        Assert.Contains("CHAIN BROKEN", r.Stdout);
        Assert.Contains("other #1", r.Stdout);
    }

    [Fact]
    public async Task A_missing_journal_file_is_a_clear_error_not_an_empty_pass()
    {
        var r = await ControlNodeProcess.RunAsync(Timeout, "journal", "verify", "--set", $"Persistence:ConnectionString=Data Source={Path.Combine(_dir, "absent.db")}");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no journal at", r.Stderr);
        Assert.False(File.Exists(Path.Combine(_dir, "absent.db")));
    }

    [Theory]
    [InlineData("replay")]
    [InlineData("verify")]
    public async Task An_unknown_persistence_id_is_a_clear_error_naming_the_known_ones_not_an_empty_pass(string verb)
    {
        var r = await ControlNodeProcess.RunAsync(Timeout, "journal", verb, "--persistence-id", "nope", "--set", $"Persistence:ConnectionString={ConnectionString}");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(string.Empty, r.Stdout);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("error: no persistence id 'nope' in the journal; known persistence ids: audit-demo, other", line);
    }

    [Fact]
    public async Task A_from_after_to_is_a_clear_error_not_an_empty_replay()
    {
        var r = await ControlNodeProcess.RunAsync(Timeout, "journal", "replay", "--from", "5", "--to", "2", "--set", $"Persistence:ConnectionString={ConnectionString}");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(string.Empty, r.Stdout);
        Assert.StartsWith("error: --from 5 is after --to 2", r.Stderr);
    }

    private void Exec(string sql)
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.Equal(1, command.ExecuteNonQuery());
    }
}
