using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Audit;
using NerfEngine.Control.Autonomy.Execution;
using NerfEngine.Control.Autonomy.Gates;
using NerfEngine.Control.Autonomy.Ledger;
using NerfEngine.Shared.Fabric.Actors.Testing;
using NerfEngine.Shared.Fabric.Persistence;
using static NerfEngine.Tests.ControlNode.Autonomy.AutonomyTestData;

namespace NerfEngine.Tests.ControlNode.Autonomy;

/// <summary>The executor actor on the real kernel and a SQLite journal, on a manual clock.</summary>
public sealed class ExecutorActorTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"nerf-autonomy-{Guid.NewGuid():N}.db");
    private readonly ManualTimeProvider _time = new(T0);
    private PersistenceContext _persistence = null!;

    public async Task InitializeAsync() => _persistence = await ExecutorHarness.OpenSqliteAsync(_path, _time);

    public async Task DisposeAsync()
    {
        await _persistence.DisposeAsync();
        ExecutorHarness.DeleteSqlite(_path);
    }

    [Fact]
    public async Task Two_hundred_concurrent_mutating_proposals_against_a_budget_of_three_execute_exactly_three()
    {
        // All 200 arrive at one instant: lift the oscillation limit so the budget, not stability, is what stops them.
        var invoker = new CountingToolInvoker();
        await using var harness = ExecutorHarness.Start(_persistence, invoker, _time, new AutonomyOptions { OscillationMutations = 1000 });
        await harness.PromoteToAsync(AutonomyPhase.LimitedMutation);

        var proposals = Enumerable.Range(0, 200).Select(i => Reinforce(edge: $"e-{i}")).ToList();
        var decisions = await Task.WhenAll(proposals.Select(p => Task.Run(() => harness.ProposeAsync(p))));

        Assert.Equal(3, invoker.Calls);
        Assert.Equal(1, invoker.MaxInFlight);
        Assert.Equal(3, decisions.Count(d => d.Outcome is Executed));
        var rejected = decisions.Where(d => d.Outcome is not Executed).Select(d => Assert.IsType<Rejected>(d.Outcome)).ToList();
        Assert.Equal(197, rejected.Count);
        Assert.All(rejected, r => Assert.Equal(GateNames.Budget, r.Gate));
        Assert.All(rejected, r => Assert.StartsWith(DecisionEngine.MutationBudgetExceeded, r.Reason));
        Assert.Equal([2, 1, 0], decisions.Where(d => d.Outcome is Executed).Select(d => d.BudgetRemaining).Order().Reverse());
        var log = await harness.LogAsync();
        Assert.Equal(200, log.TotalDecisions);
        Assert.Equal(3, log.Entries.Count(e => e.Decision.Execution?.Status == ToolExecutionStatus.Committed));
        Assert.Equal(0, (await harness.ProposeAsync(Reinforce())).BudgetRemaining);
    }

    [Fact]
    public async Task With_default_limits_simultaneous_proposals_still_execute_exactly_three_then_meet_stability_or_budget()
    {
        var invoker = new CountingToolInvoker();
        await using var harness = ExecutorHarness.Start(_persistence, invoker, _time);
        await harness.PromoteToAsync(AutonomyPhase.LimitedMutation);

        var decisions = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => harness.ProposeAsync(Reinforce(edge: $"e-{i}")))));

        Assert.Equal(3, invoker.Calls);
        Assert.All(decisions.Where(d => d.Outcome is not Executed), d => Assert.Contains(Assert.IsType<Rejected>(d.Outcome).Gate, new[] { GateNames.Stability, GateNames.Budget }));
        Assert.True((await harness.StatusAsync()).Stability.IsOscillating);
    }

    [Fact]
    public async Task A_tool_call_cut_short_by_a_crash_is_recorded_as_interrupted_at_recovery()
    {
        var engine = Engine();
        var state = State(AutonomyPhase.LimitedMutation);
        var plan = engine.Decide(state, Reinforce(), Context(), T0);
        var journaled = new ExecutorEvent[]
        {
            new PhaseChanged(AutonomyPhase.ObserveOnly, AutonomyPhase.Shadow, PhaseChangeCause.Operator, "ops", "", T0),
            new PhaseChanged(AutonomyPhase.Shadow, AutonomyPhase.LimitedMutation, PhaseChangeCause.Operator, "ops", "", T0),
        }.Concat(plan.Events).ToList();
        await _persistence.Journal.AppendAsync(Options.ExecutorPersistenceId, 0, journaled.Select(e => _persistence.Serializer.ToAppend(e)).ToList());

        var invoker = new CountingToolInvoker();
        await using var harness = ExecutorHarness.Start(_persistence, invoker, _time);
        var entry = Assert.Single((await harness.LogAsync()).Entries);

        Assert.Equal(ToolExecutionStatus.Interrupted, entry.Decision.Execution!.Status);
        Assert.Equal(0, invoker.Calls);
        Assert.Equal(2, (await harness.StatusAsync()).Phase);
        Assert.IsType<ExecutionInterrupted>((await ReadEventsAsync())[^1]);
    }

    [Fact]
    public async Task Shadow_phase_through_the_actor_commits_nothing_and_reports_would_mutate()
    {
        var invoker = new CountingToolInvoker();
        await using var harness = ExecutorHarness.Start(_persistence, invoker, _time);
        await harness.PromoteToAsync(AutonomyPhase.Shadow);

        var decision = await harness.ProposeAsync(Reinforce(edge: "e-7"));

        var shadowed = Assert.IsType<Shadowed>(decision.Outcome);
        Assert.True(shadowed.WouldMutate);
        Assert.Equal("adds weight 1 to edge e-7; it fades again with decay", shadowed.EstimatedEffect.Summary);
        Assert.Equal(0, invoker.Calls);
        Assert.Null(decision.Execution);
        var status = await harness.StatusAsync();
        Assert.Equal("shadow", status.Executor.Mode);
        Assert.Equal(0.5, status.Executor.Trust);
        var events = await ReadEventsAsync();
        Assert.DoesNotContain(events, e => e is MutationCommitted or MutationFailed);
        Assert.Contains(events, e => e is BudgetConsumed { Shadow: true });
    }

    [Fact]
    public async Task Repeated_tool_errors_collapse_trust_and_the_executor_demotes_itself()
    {
        var invoker = new CountingToolInvoker(_ => ToolInvocationResult.Failure("engine refused"));
        var options = new AutonomyOptions { LimitedBudgetPerHour = 10 };
        await using var harness = ExecutorHarness.Start(_persistence, invoker, _time, options);
        await harness.PromoteToAsync(AutonomyPhase.LimitedMutation);

        var decisions = new List<Decision>();
        for (var i = 0; i < 4; i++)
        {
            decisions.Add(await harness.ProposeAsync(Reinforce()));
            await harness.AdvanceAsync(TimeSpan.FromSeconds(61));
        }

        Assert.Equal(3, invoker.Calls);
        Assert.Equal([0.4, 0.3, 0.2], decisions.Take(3).Select(d => Math.Round(d.TrustAfter, 10)));
        Assert.Equal(GateNames.Trust, Assert.IsType<Rejected>(decisions[3].Outcome).Gate);
        var status = await harness.StatusAsync();
        Assert.Equal(0, status.Phase);
        Assert.True(status.Executor.Demoted);
        Assert.Equal("observe", status.Executor.Mode);
        Assert.Contains(await ReadEventsAsync(), e => e is ExecutorDemoted);
        Assert.False((await harness.SetPhaseAsync(AutonomyPhase.Shadow)).Accepted);
        Assert.True((await harness.SetPhaseAsync(AutonomyPhase.Shadow, resetTrust: true)).Accepted);
        Assert.False((await harness.StatusAsync()).Executor.Demoted);
    }

    [Fact]
    public async Task A_tool_that_throws_or_hangs_counts_as_an_error_and_never_wedges_the_executor()
    {
        var hanging = new TaskCompletionSource<ToolInvocationResult>();
        var calls = 0;
        var invoker = new DelegateInvoker(async ct =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw new InvalidOperationException("registry down");
            }

            using var registration = ct.Register(() => hanging.TrySetCanceled(ct));
            return await hanging.Task;
        });
        await using var harness = ExecutorHarness.Start(_persistence, invoker, _time);
        await harness.PromoteToAsync(AutonomyPhase.LimitedMutation);

        var thrown = await harness.ProposeAsync(Reinforce());
        var pending = harness.ProposeAsync(Reinforce());
        while (Volatile.Read(ref calls) < 2)
        {
            await Task.Delay(10);
        }

        _time.Advance(TimeSpan.FromSeconds(30));
        var timedOut = await pending;

        Assert.Equal("InvalidOperationException: registry down", thrown.Execution!.Summary);
        Assert.Equal(ToolExecutionStatus.Failed, timedOut.Execution!.Status);
        Assert.StartsWith("timed out", timedOut.Execution.Summary);
        Assert.Equal(0.3, Math.Round((await harness.StatusAsync()).Executor.Trust, 10));
    }

    [Fact]
    public async Task The_phase_rolls_back_after_300_s_of_instability_not_at_299_s()
    {
        await using var harness = ExecutorHarness.Start(_persistence, new CountingToolInvoker(), _time);
        await harness.PromoteToAsync(AutonomyPhase.LimitedMutation);

        harness.Executor.Tell(new ObserveStability(new StabilitySignals(EntropyDelta: 0.35, EdgeWeightVariance: 0.02)));
        var unstable = await harness.StatusAsync();
        await harness.AdvanceAsync(TimeSpan.FromSeconds(299));
        var at299 = await harness.StatusAsync();
        await harness.AdvanceAsync(TimeSpan.FromSeconds(1));
        var at300 = await harness.StatusAsync();
        await harness.AdvanceAsync(TimeSpan.FromSeconds(1));
        var at301 = await harness.StatusAsync();

        Assert.False(unstable.Stability.IsStable);
        Assert.Equal(0.35, unstable.Stability.EntropyDelta);
        Assert.Equal(2, at299.Phase);
        Assert.Equal(2, at300.Phase);
        Assert.Equal(1, at301.Phase);
        var rollback = Assert.Single((await ReadEventsAsync()).OfType<PhaseChanged>(), p => p.Cause == PhaseChangeCause.StabilityRollback);
        Assert.Equal(T0.AddSeconds(301), rollback.At);
        Assert.Equal("executor", rollback.By);
    }

    [Fact]
    public async Task The_decision_log_is_queryable_and_exports_as_json_lines_identical_to_the_journal_rebuild()
    {
        await using var harness = ExecutorHarness.Start(_persistence, new CountingToolInvoker(), _time);
        await harness.PromoteToAsync(AutonomyPhase.LimitedMutation);
        var executed = await harness.ProposeAsync(Reinforce());
        await harness.ProposeAsync(Reinforce(confidence: 0.2));
        await harness.ProposeAsync(Tool(MutationToolNames.SetDecayLambda, """{"lambda":0.02}"""));

        var all = await harness.LogAsync();
        var rejected = await harness.LogAsync(new DecisionLogQuery(Outcome: "rejected"));
        var one = await harness.LogAsync(new DecisionLogQuery(ProposalId: executed.ProposalId));
        var lines = DecisionLogExport.ToJsonLines(all.Entries);
        var fromJournal = await DecisionLogExport.ReadFromJournalAsync(_persistence, Options);

        Assert.Equal(3, all.Entries.Count);
        Assert.Equal(GateNames.Confidence, Assert.IsType<Rejected>(Assert.Single(rejected.Entries).Decision.Outcome).Gate);
        Assert.Equal(ToolExecutionStatus.Committed, Assert.Single(one.Entries).Decision.Execution!.Status);
        Assert.Equal(3, lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("\"kind\":\"executed\"", lines);
        Assert.Contains("\"proposal_id\":", lines);
        Assert.Equal(lines, DecisionLogExport.ToJsonLines(fromJournal));
        Assert.Equal(lines, DecisionLogExport.ToJsonLines(DecisionLogExport.FromJsonLines(lines)));
        await using var writer = new StringWriter();
        await DecisionLogExport.WriteJsonLinesAsync(fromJournal, writer);
        Assert.Equal(lines, writer.ToString());
    }

    [Fact]
    public async Task Rewards_reach_the_learner_through_the_actor()
    {
        var options = new AutonomyOptions { LearningMinStableSamples = 1 };
        await using var harness = ExecutorHarness.Start(_persistence, new CountingToolInvoker(), _time, options);
        await harness.PromoteToAsync(AutonomyPhase.Adaptive);
        var first = await harness.ProposeAsync(Reinforce());
        await harness.AdvanceAsync(TimeSpan.FromMinutes(1));
        var second = await harness.ProposeAsync(Prune());

        var warmUp = await harness.RewardAsync(first.ProposalId, new(SignalGain: 1));
        var learned = await harness.RewardAsync(second.ProposalId, new(SignalGain: 2));
        var advice = await harness.AdviceAsync();
        var status = await harness.StatusAsync();

        Assert.False(warmUp.Learned);
        Assert.True(learned.Learned);
        Assert.True(advice.Enabled);
        Assert.Equal(["reinforce_edge", "prune_below_weight"], advice.RecentTools);
        Assert.True(status.Learning.Enabled);
        Assert.Equal(1, status.Learning.Trajectories);
    }

    private async Task<List<ExecutorEvent>> ReadEventsAsync()
    {
        var events = new List<ExecutorEvent>();
        await foreach (var row in _persistence.Journal.ReadEventsAsync(Options.ExecutorPersistenceId))
        {
            events.Add((ExecutorEvent)_persistence.Serializer.Deserialize(row));
        }

        return events;
    }

    private sealed class DelegateInvoker(Func<CancellationToken, Task<ToolInvocationResult>> invoke) : IToolInvoker
    {
        public async ValueTask<ToolInvocationResult> InvokeAsync(string tool, System.Text.Json.JsonElement args, CancellationToken cancellationToken) =>
            await invoke(cancellationToken);
    }
}
