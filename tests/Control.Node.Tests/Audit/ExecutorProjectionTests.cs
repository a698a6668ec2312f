using System.Text.Json;
using Microsoft.Data.Sqlite;
using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Ledger;
using NerfEngine.Shared.Fabric.Persistence.Sqlite;
using NerfEngine.Tests.ControlNode.Support;

namespace NerfEngine.Tests.ControlNode.Audit;

/// <summary><c>journal replay</c> shows the Executor's state after each of its events.</summary>
public sealed class ExecutorProjectionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nerf-exec-audit-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Replay_prints_phase_and_trust_as_each_executor_event_left_them()
    {
        var connection = $"Data Source={Path.Combine(_dir, "journal.db")}";
        var serializer = AutonomySerialization.NewSerializer();
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var journal = await SqliteEventJournal.OpenAsync(connection))
        {
            await journal.AppendAsync("autonomy-executor", 0,
            [
                serializer.ToAppend(new PhaseChanged(AutonomyPhase.ObserveOnly, AutonomyPhase.Shadow, PhaseChangeCause.Operator, "ops", "start shadowing", at)),
                serializer.ToAppend(new TrustAdjusted(TrustSubject.Executor, 0.5, 0.4, "tool error", null, at.AddSeconds(1))),
                serializer.ToAppend(new ExecutorDemoted(AutonomyPhase.Shadow, 0.25, "trust below 0.30", null, at.AddSeconds(2))),
            ]);
        }

        var r = await ControlNodeProcess.RunAsync(TimeSpan.FromSeconds(60), "journal", "replay", "--persistence-id", "autonomy-executor",
            "--format", "jsonl", "--set", $"Persistence:ConnectionString={connection}");

        Assert.True(r.ExitCode == 0, r.Stderr);
        var states = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("state")).ToArray();
        Assert.Equal(["Shadow", "Shadow", "ObserveOnly"], states.Select(s => s.GetProperty("phase").GetString()));
        Assert.Equal(0.4, states[1].GetProperty("executor_trust").GetDouble());
        Assert.False(states[1].GetProperty("demoted").GetBoolean());
        Assert.True(states[2].GetProperty("demoted").GetBoolean());
    }
}
