using System.Text.Json;
using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Audit;
using NerfEngine.Control.Autonomy.Execution;
using NerfEngine.Control.Autonomy.Gates;
using NerfEngine.Shared.Fabric.Actors.Testing;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.Verification;
using static NerfEngine.Tests.ControlNode.Autonomy.AutonomyTestData;

namespace NerfEngine.Tests.ControlNode.Autonomy;

/// <summary>
/// Kill and restart: trust, phase, budget and the decision log come back from the journal (snapshot + later events),
/// on the embedded SQLite journal and on the cluster's real PostgreSQL.
/// </summary>
public sealed class ExecutorRestartTests
{
    /// <summary>Small snapshot interval so recovery exercises snapshot + replay, not only replay.</summary>
    private static readonly AutonomyOptions RestartOptions = new() { SnapshotEvery = 5 };

    [Fact]
    public async Task Trust_phase_budget_and_decision_log_survive_a_restart_on_sqlite()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nerf-autonomy-restart-{Guid.NewGuid():N}.db");
        try
        {
            await KillAndRestartScenarioAsync(time => ExecutorHarness.OpenSqliteAsync(path, time));
        }
        finally
        {
            ExecutorHarness.DeleteSqlite(path);
        }
    }

    [Fact]
    public async Task Trust_phase_budget_and_decision_log_survive_a_restart_on_postgres()
    {
        var schema = AutonomyPostgres.NewSchemaName();
        try
        {
            await KillAndRestartScenarioAsync(time => AutonomyPostgres.OpenAsync(schema, time));
        }
        finally
        {
            await AutonomyPostgres.DropSchemaAsync(schema);
        }
    }

    private static async Task KillAndRestartScenarioAsync(Func<TimeProvider, Task<PersistenceContext>> open)
    {
        var time = new ManualTimeProvider(T0);
        var results = new Queue<ToolInvocationResult>([ToolInvocationResult.Success("1 edge"), ToolInvocationResult.Success("2 edges"), ToolInvocationResult.Failure("engine error")]);
        var invoker = new CountingToolInvoker(_ => results.Dequeue());
        string logBefore;
        string statusBefore;

        var persistence = await open(time);
        await using (persistence)
        {
            await using var harness = ExecutorHarness.Start(persistence, invoker, time, RestartOptions);
            await harness.PromoteToAsync(AutonomyPhase.Shadow);
            Assert.IsType<Shadowed>((await harness.ProposeAsync(Prune())).Outcome);
            await harness.PromoteToAsync(AutonomyPhase.LimitedMutation);
            for (var i = 0; i < 3; i++)
            {
                Assert.IsType<Executed>((await harness.ProposeAsync(Reinforce(edge: $"e-{i}"))).Outcome);
                await harness.AdvanceAsync(TimeSpan.FromMinutes(5));
            }

            Assert.Equal(GateNames.Confidence, Assert.IsType<Rejected>((await harness.ProposeAsync(Reinforce(confidence: 0.5))).Outcome).Gate);
            var status = await harness.StatusAsync();
            Assert.Equal(2, status.Phase);
            Assert.Equal(0.5 + 0.025 + 0.02375 - 0.1, status.Executor.Trust, 10);
            logBefore = DecisionLogExport.ToJsonLines((await harness.LogAsync()).Entries);
            statusBefore = JsonSerializer.Serialize(status, AutonomyJson.Options);
        }

        // Killed: the actor system and the database connections are gone; only the journal remains.
        var reopened = await open(time);
        await using (reopened)
        {
            Assert.True((await JournalVerifier.VerifyAsync(reopened.Journal, RestartOptions.ExecutorPersistenceId)).IsOk);
            Assert.NotNull(await reopened.Snapshots.LoadLatestAsync(RestartOptions.ExecutorPersistenceId));
            await using var harness = ExecutorHarness.Start(reopened, invoker, time, RestartOptions);

            var status = await harness.StatusAsync();
            var log = await harness.LogAsync();
            var overBudget = await harness.ProposeAsync(Reinforce(edge: "e-after-restart"));

            Assert.Equal(statusBefore, JsonSerializer.Serialize(status, AutonomyJson.Options));
            Assert.Equal(logBefore, DecisionLogExport.ToJsonLines(log.Entries));
            Assert.Equal(5, log.TotalDecisions);
            Assert.Equal(GateNames.Budget, Assert.IsType<Rejected>(overBudget.Outcome).Gate);
            Assert.Equal(0, overBudget.BudgetRemaining);
            Assert.Equal(3, invoker.Calls);
            Assert.Equal(logBefore, DecisionLogExport.ToJsonLines((await DecisionLogExport.ReadFromJournalAsync(reopened, RestartOptions)).Take(5)));

            await harness.AdvanceAsync(TimeSpan.FromMinutes(46));
            Assert.IsType<Executed>((await harness.ProposeAsync(Reinforce(edge: "e-window-slid"))).Outcome);
        }
    }
}
