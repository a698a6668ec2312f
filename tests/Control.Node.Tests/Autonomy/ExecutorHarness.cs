using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Audit;
using NerfEngine.Control.Autonomy.Execution;
using NerfEngine.Control.Autonomy.Learning;
using NerfEngine.Control.Autonomy.Ledger;
using NerfEngine.Control.Autonomy.Status;
using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Actors.Testing;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.Sqlite;

namespace NerfEngine.Tests.ControlNode.Autonomy;

/// <summary>
/// An actor system on a manual clock with one executor over a real journal. Asks are guarded by a real-time
/// timeout because the system clock (the ask timeout's clock) only moves when a test advances it.
/// </summary>
internal sealed class ExecutorHarness : IAsyncDisposable
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private ExecutorHarness(ActorSystem system, IActorRef<ExecutorCommand> executor, ManualTimeProvider time)
    {
        System = system;
        Executor = executor;
        Time = time;
    }

    public ActorSystem System { get; }

    public IActorRef<ExecutorCommand> Executor { get; }

    public ManualTimeProvider Time { get; }

    public static ExecutorHarness Start(PersistenceContext persistence, IToolInvoker invoker, ManualTimeProvider time, AutonomyOptions? options = null)
    {
        var system = ActorSystem.Create("autonomy-test", new ActorSystemOptions
        {
            TimeProvider = time,
            DefaultSupervisorStrategy = SupervisorStrategy.Default with { Backoff = RestartBackoff.None },
        });
        var executor = system.Spawn(ExecutorActor.Props(options ?? AutonomyTestData.Options, persistence, invoker, time), "executor");
        return new ExecutorHarness(system, executor, time);
    }

    /// <summary>A SQLite journal + snapshot store in a fresh file, on <paramref name="time"/>.</summary>
    public static async Task<PersistenceContext> OpenSqliteAsync(string path, TimeProvider time)
    {
        var connectionString = $"Data Source={path}";
        return new PersistenceContext(
            await SqliteEventJournal.OpenAsync(connectionString, time),
            await SqliteSnapshotStore.OpenAsync(connectionString),
            AutonomySerialization.NewSerializer(),
            time);
    }

    public static void DeleteSqlite(string path)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }

    public Task<Decision> ProposeAsync(Proposal proposal) =>
        Executor.Ask<Decision>(r => new Propose(proposal, r), AskTimeout).WaitAsync(Guard);

    public Task<AutonomyStatus> StatusAsync() =>
        Executor.Ask<AutonomyStatus>(r => new GetStatus(r), AskTimeout).WaitAsync(Guard);

    public Task<DecisionLogPage> LogAsync(DecisionLogQuery? query = null) =>
        Executor.Ask<DecisionLogPage>(r => new GetDecisionLog(query ?? DecisionLogQuery.All, r), AskTimeout).WaitAsync(Guard);

    public Task<LearningAdvice> AdviceAsync() =>
        Executor.Ask<LearningAdvice>(r => new GetLearningAdvice(r), AskTimeout).WaitAsync(Guard);

    public Task<RewardRecorded> RewardAsync(Guid proposalId, RewardSignals signals) =>
        Executor.Ask<RewardRecorded>(r => new ReportReward(proposalId, signals, r), AskTimeout).WaitAsync(Guard);

    public Task<PhaseChangeResult> SetPhaseAsync(AutonomyPhase phase, bool resetTrust = false) =>
        Executor.Ask<PhaseChangeResult>(r => new SetPhase(phase, "test-operator", "scenario", resetTrust, r), AskTimeout).WaitAsync(Guard);

    /// <summary>Promotes one phase at a time up to <paramref name="phase"/>, asserting each step is accepted.</summary>
    public async Task PromoteToAsync(AutonomyPhase phase)
    {
        var status = await StatusAsync();
        for (var next = (AutonomyPhase)(status.Phase + 1); next <= phase; next++)
        {
            var result = await SetPhaseAsync(next);
            Assert.True(result.Accepted, result.Message);
        }
    }

    /// <summary>Advances the clock, then waits until the executor has handled every tick the advance queued.</summary>
    public async Task AdvanceAsync(TimeSpan delta)
    {
        Time.Advance(delta);
        await StatusAsync();
    }

    public async ValueTask DisposeAsync() => await System.TerminateAsync().WaitAsync(Guard);
}
