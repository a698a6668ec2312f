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

    private ExecutorHarness(ActorSystem system, IActorRef<ExecutorCommand> executor, ManualTimeProvider time, ExecutorAvailability? availability = null)
    {
        System = system;
        Executor = executor;
        Time = time;
        Availability = availability;
    }

    /// <summary>Set for a supervised executor (<see cref="StartSupervised"/>).</summary>
    public ExecutorAvailability? Availability { get; }

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

    /// <summary>The executor as a node runs it: under its <see cref="ExecutorSupervisor"/>, restarted with backoff on the manual clock.</summary>
    public static ExecutorHarness StartSupervised(PersistenceContext persistence, IToolInvoker invoker, ManualTimeProvider time, AutonomyOptions options)
    {
        var system = ActorSystem.Create("autonomy-supervised-test", new ActorSystemOptions { TimeProvider = time });
        var availability = new ExecutorAvailability(time);
        var executor = system.Spawn(ExecutorActor.SupervisedProps(options, persistence, invoker, time, availability), "autonomy-executor");
        return new ExecutorHarness(system, executor, time, availability);
    }

    /// <summary>
    /// Moves the manual clock in small steps (each restart's backoff timer is armed just after the failure is decided)
    /// until <paramref name="condition"/> holds on the supervised executor's availability; fails after a real-time guard.
    /// </summary>
    public async Task AdvanceUntilAsync(Func<ExecutorAvailability.Snapshot, bool> condition, TimeSpan step)
    {
        var availability = Availability ?? throw new InvalidOperationException("Not a supervised executor.");
        using var guard = new CancellationTokenSource(Guard);
        while (!condition(availability.Current))
        {
            Time.Advance(step);
            await Task.Delay(20, guard.Token);
        }
    }

    /// <summary>Waits in real time, without moving the clock, until <paramref name="condition"/> holds.</summary>
    public async Task WaitUntilAsync(Func<ExecutorAvailability.Snapshot, bool> condition)
    {
        var availability = Availability ?? throw new InvalidOperationException("Not a supervised executor.");
        using var guard = new CancellationTokenSource(Guard);
        while (!condition(availability.Current))
        {
            await Task.Delay(10, guard.Token);
        }
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
