using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Npgsql;
using NerfEngine.Tests.ControlNode.Autonomy;
using NerfEngine.Tests.ControlNode.Mcp.Support;
using NerfEngine.Tests.ControlNode.Support;

namespace NerfEngine.Tests.ControlNode.ProcessRestart;

/// <summary>
/// SIGKILL the real Control.Node process (no graceful shutdown) after an admin promoted the executor, had it shadow,
/// execute and fail mutations (trust up and down), and spent budgets over HTTP MCP — killed the moment the last
/// mutation's reply arrived, with no wait for the journal; start it again on the same journal:
/// trust, phase, adaptive budget, the spent executor and agent budgets and the decision log are all still there. Then
/// <c>journal verify</c> passes, and fails naming the event once a row is altered with SQL. Once on a SQLite file,
/// once on PostgreSQL (a fresh schema per run).
/// </summary>
public sealed class ControlNodeProcessRestartTests : IDisposable
{
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The admin agent's registry budget: three phase changes and one direct mutation.</summary>
    private const int AgentBudget = 4;

    private readonly string _dir = Directory.CreateTempSubdirectory("nerf-kill-").FullName;
    private readonly string _token = $"kill-test-{Guid.NewGuid():N}";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Killed_node_on_sqlite_comes_back_with_trust_phase_budgets_and_decision_log_and_verify_catches_a_tampered_row()
    {
        var journal = new SqliteJournalFile(Path.Combine(_dir, "journal.db"));
        await KillRestartVerifyAsync(journal);
    }

    [Fact]
    public async Task Killed_node_on_postgres_comes_back_with_trust_phase_budgets_and_decision_log_and_verify_catches_a_tampered_row()
    {
        var journal = new PostgresJournalSchema($"nerf_kill_{Guid.NewGuid():N}");
        try
        {
            await KillRestartVerifyAsync(journal);
        }
        finally
        {
            await AutonomyPostgres.DropSchemaAsync(journal.Schema);
        }
    }

    private async Task KillRestartVerifyAsync(IJournalUnderTest journal)
    {
        string[] args =
        [
            "--set", "Management:Hostname=127.0.0.1", "--set", "Management:Port=0",
            "--set", $"Mcp:PcapDirectory={Path.Combine(_dir, "pcap")}",
            "--set", "Mcp:Agents:0:Name=ops", "--set", $"Mcp:Agents:0:Token={_token}", "--set", "Mcp:Agents:0:Mode=admin",
            "--set", $"Mcp:Agents:0:MutationBudgetPerHour={AgentBudget}",
            // Recovery goes through a snapshot plus later events, not only a replay from the first event.
            "--set", "Autonomy:SnapshotEvery=5",
            // Four real mutations inside a minute must reach the budget gate, not trip the oscillation gate first.
            "--set", "Autonomy:OscillationMutations=10",
            .. journal.Settings,
        ];

        JsonObject statusBefore;
        JsonObject logBefore;
        await using (var node = await ControlNodeServer.StartAsync(_dir, args))
        {
            var mcp = new Agent(node, _token);
            var fresh = await mcp.CallAsync("status");
            Assert.Equal(0, fresh["phase"]!.GetValue<int>());
            Assert.Equal(0.5, Trust(fresh));

            await mcp.PhaseAsync(1);
            var shadow = await mcp.ProposeAsync("set_decay_lambda", new JsonObject { ["lambda"] = 0.02 });
            Assert.Equal("shadowed", Kind(shadow));
            Assert.True(shadow["outcome"]!["would_mutate"]!.GetValue<bool>());

            await mcp.PhaseAsync(2);
            var committed = await mcp.ProposeAsync("set_decay_lambda", new JsonObject { ["lambda"] = 0.02 });
            Assert.Equal(("executed", "committed"), (Kind(committed), committed["execution"]!["status"]!.GetValue<string>()));
            var failed = await mcp.ProposeAsync("reinforce_edge", new JsonObject { ["edge_id"] = "no-such-edge", ["weight"] = 1.0 });
            Assert.Equal(("executed", "failed"), (Kind(failed), failed["execution"]!["status"]!.GetValue<string>()));
            Assert.True(failed["trust_after"]!.GetValue<double>() < committed["trust_after"]!.GetValue<double>(), "a failed tool must lower trust");

            await mcp.PhaseAsync(3);
            var raised = await mcp.ProposeAsync("decay_now", new JsonObject());
            Assert.Equal(("executed", "committed"), (Kind(raised), raised["execution"]!["status"]!.GetValue<string>()));
            Assert.True(raised["trust_after"]!.GetValue<double>() > failed["trust_after"]!.GetValue<double>(), "a committed tool must raise trust");
            Assert.Equal(1, raised["budget_remaining"]!.GetValue<int>()); // floor(10 × 0.454) = 4 per hour, 3 used

            statusBefore = await mcp.CallAsync("status");
            Assert.Equal((3, 4), (statusBefore["phase"]!.GetValue<int>(), statusBefore["executor"]!["adaptive_budget"]!.GetValue<int>()));
            Assert.Equal(Math.Round(raised["trust_after"]!.GetValue<double>(), 12), Math.Round(Trust(statusBefore), 12));
            logBefore = await mcp.CallAsync("export_decision_log", new JsonObject { ["limit"] = 100 });
            Assert.Equal(4, logBefore["total_decisions"]!.GetValue<long>());

            // The admin agent's own registry budget: three phase changes plus this one. Killed the moment the reply is
            // in, no wait for the journal: an acknowledged mutation's audit records (which restore budgets) are durable
            // before its reply.
            await mcp.CallAsync("clear_scope_cache");
            await node.KillAsync();
            Assert.Equal(137, node.ExitCode); // 128 + SIGKILL: no graceful shutdown ran
        }

        await using (var node = await ControlNodeServer.StartAsync(_dir, args))
        {
            var mcp = new Agent(node, _token);
            var statusAfter = await mcp.CallAsync("status");
            Assert.True(JsonNode.DeepEquals(statusBefore, statusAfter), $"status before the kill:\n{statusBefore}\nafter the restart:\n{statusAfter}");
            var logAfter = await mcp.CallAsync("export_decision_log", new JsonObject { ["limit"] = 100 });
            Assert.True(JsonNode.DeepEquals(logBefore, logAfter), $"decision log before the kill:\n{logBefore}\nafter the restart:\n{logAfter}");

            // The executor's spent budget came back: one mutation left this hour, then MUTATION_BUDGET_EXCEEDED.
            var last = await mcp.ProposeAsync("clear_scope_cache", new JsonObject());
            Assert.Equal(("executed", 0), (Kind(last), last["budget_remaining"]!.GetValue<int>()));
            var refused = await mcp.ProposeAsync("clear_scope_cache", new JsonObject());
            Assert.Equal(("rejected", "budget"), (Kind(refused), refused["outcome"]!["gate"]!.GetValue<string>()));
            Assert.Contains("MUTATION_BUDGET_EXCEEDED", refused["outcome"]!["reason"]!.GetValue<string>());

            // The admin agent's spent registry budget came back from the audit journal.
            Assert.Equal("MUTATION_BUDGET_EXCEEDED", await mcp.ErrorCodeAsync("clear_scope_cache"));
            await node.KillAsync();
        }

        // The mutation acknowledged just before the kill left its evidence: the write-ahead admission and the outcome.
        var replay = await ControlNodeProcess.RunAsync(CliTimeout, ["journal", "replay", "--persistence-id", "registry-audit", "--format", "jsonl", .. journal.Settings]);
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        var cleared = replay.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!["payload"]!)
            .Where(r => r["agent"]!.GetValue<string>() == "ops" && r["tool"]?.GetValue<string>() == "clear_scope_cache")
            .ToList();
        var killedCall = cleared[0]["id"]!.GetValue<string>();
        Assert.Equal(["admitted", "ok"], cleared.TakeWhile(r => r["id"]!.GetValue<string>() == killedCall).Select(r => r["outcome"]!.GetValue<string>()));

        var verify = await ControlNodeProcess.RunAsync(CliTimeout, ["journal", "verify", .. journal.Settings]);
        Assert.True(verify.ExitCode == 0, verify.Stderr);
        Assert.Contains("events verified", verify.Stdout);

        await journal.TamperAsync("autonomy-executor", 3);
        var tampered = await ControlNodeProcess.RunAsync(CliTimeout, ["journal", "verify", .. journal.Settings]);
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains("AlteredEvent", tampered.Stderr);
        Assert.Contains("'autonomy-executor', sequence 3", tampered.Stderr);
    }

    private static double Trust(JsonObject status) => status["executor"]!["trust"]!.GetValue<double>();

    private static string Kind(JsonObject decision) => decision["outcome"]!["kind"]!.GetValue<string>();

    /// <summary>An MCP agent over real HTTP.</summary>
    private sealed class Agent(ControlNodeServer node, string token)
    {
        private readonly McpHttp _http = new(node.McpUrl);

        public async Task<JsonObject> CallAsync(string tool, JsonObject? args = null)
        {
            var reply = await SendAsync(tool, args);
            Assert.True(reply.Result is not null && !reply.IsToolError && reply.Structured is not null, $"{tool}: {reply.Body}\nNode output:\n{node.Output}");
            return reply.Structured!;
        }

        public async Task<string?> ErrorCodeAsync(string tool, JsonObject? args = null)
        {
            var reply = await SendAsync(tool, args);
            Assert.True(reply.IsToolError, $"{tool} was expected to fail: {reply.Body}");
            return reply.ToolError?["code"]?.GetValue<string>();
        }

        public async Task PhaseAsync(int phase)
        {
            var result = await CallAsync("phase", new JsonObject { ["phase"] = phase, ["reason"] = $"kill test: promote to {phase}" });
            Assert.True(result["accepted"]!.GetValue<bool>(), result.ToJsonString());
        }

        public async Task<JsonObject> ProposeAsync(string tool, JsonObject arguments)
        {
            var result = await CallAsync("propose", new JsonObject
            {
                ["tool"] = tool, ["confidence"] = 0.9, ["justification"] = "kill test", ["arguments"] = arguments,
            });
            return result["decision"]!.AsObject();
        }

        private async Task<McpHttp.Reply> SendAsync(string tool, JsonObject? args)
        {
            var reply = await _http.CallToolAsync(tool, args, token);
            Assert.True(reply.Status == HttpStatusCode.OK, $"{tool}: HTTP {(int)reply.Status} {reply.Body}\nNode output:\n{node.Output}");
            return reply;
        }
    }

    /// <summary>Where the node's journal lives, as configuration for the node and the journal CLI, plus raw SQL access.</summary>
    private interface IJournalUnderTest
    {
        string[] Settings { get; }

        /// <summary>Rewrites one event's payload behind the journal's back.</summary>
        Task TamperAsync(string persistenceId, long sequenceNr);
    }

    private sealed class SqliteJournalFile(string path) : IJournalUnderTest
    {
        private string ConnectionString => $"Data Source={path}";

        public string[] Settings => ["--set", "Persistence:Provider=sqlite", "--set", $"Persistence:ConnectionString={ConnectionString}"];

        public async Task TamperAsync(string persistenceId, long sequenceNr)
        {
            await using var connection = new SqliteConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE event_journal SET payload = CAST('{\"tampered\":true}' AS BLOB) WHERE persistence_id = $id AND sequence_nr = $seq";
            command.Parameters.AddWithValue("$id", persistenceId);
            command.Parameters.AddWithValue("$seq", sequenceNr);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }
    }

    private sealed class PostgresJournalSchema(string schema) : IJournalUnderTest
    {
        public string Schema => schema;

        public string[] Settings =>
        [
            "--set", "Persistence:Provider=postgres", "--set", $"Persistence:ConnectionString={AutonomyPostgres.ConnectionString}",
            "--set", $"Persistence:Schema={schema}",
        ];

        public async Task TamperAsync(string persistenceId, long sequenceNr)
        {
            await using var connection = await OpenAsync();
            await using var command = new NpgsqlCommand(
                $"UPDATE \"{schema}\".event_journal SET payload = convert_to('{{\"tampered\":true}}', 'UTF8') WHERE persistence_id = @id AND sequence_nr = @seq", connection);
            command.Parameters.AddWithValue("id", persistenceId);
            command.Parameters.AddWithValue("seq", sequenceNr);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        private static async Task<NpgsqlConnection> OpenAsync()
        {
            var connection = new NpgsqlConnection(AutonomyPostgres.ConnectionString);
            await connection.OpenAsync();
            return connection;
        }
    }
}
