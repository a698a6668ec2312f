using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Execution;
using NerfEngine.Control.Autonomy.Gates;
using NerfEngine.Control.Autonomy.Ledger;
using static NerfEngine.Tests.ControlNode.Autonomy.AutonomyTestData;

namespace NerfEngine.Tests.ControlNode.Autonomy;

/// <summary>The executor's rules without actors: phases, budget, drift, trust and what gets persisted.</summary>
public sealed class DecisionEngineTests
{
    [Fact]
    public void Shadow_phase_commits_nothing_and_reports_would_mutate_with_the_estimated_effect()
    {
        var engine = Engine();
        var state = State(AutonomyPhase.Shadow);

        var plan = engine.Decide(state, Prune(minWeight: 0.05), Context(), T0);

        Assert.False(plan.Invoke);
        var shadowed = Assert.IsType<Shadowed>(plan.Decision.Outcome);
        Assert.True(shadowed.WouldMutate);
        Assert.Equal("removes every edge with weight below 0.05", shadowed.EstimatedEffect.Summary);
        Assert.Equal(EffectReversibility.Irreversible, shadowed.EstimatedEffect.Reversibility);
        Assert.DoesNotContain(plan.Events, e => e is MutationCommitted);
        var consumed = Assert.Single(plan.Events.OfType<BudgetConsumed>());
        Assert.True(consumed.Shadow);
        var after = Fold(state, plan.Events);
        Assert.Equal(0, after.Budget.Used(T0, TimeSpan.FromHours(1)));
        Assert.Equal(1, after.ShadowBudget.Used(T0, TimeSpan.FromHours(1)));
        Assert.Equal(2, plan.Decision.BudgetRemaining);
    }

    [Fact]
    public void Shadow_phase_still_validates_and_budgets()
    {
        var engine = Engine();
        var state = State(AutonomyPhase.Shadow);

        var invalid = engine.Decide(state, Tool(MutationToolNames.PruneBelowWeight, """{"min_weight":-1}"""), Context(), T0);
        for (var i = 0; i < 3; i++)
        {
            state = Fold(state, engine.Decide(state, Reinforce(), Context(), T0).Events);
        }

        var overBudget = engine.Decide(state, Reinforce(), Context(), T0);

        Assert.Equal(GateNames.Validation, Assert.IsType<Rejected>(invalid.Decision.Outcome).Gate);
        var rejected = Assert.IsType<Rejected>(overBudget.Decision.Outcome);
        Assert.Equal(GateNames.Budget, rejected.Gate);
        Assert.StartsWith(DecisionEngine.MutationBudgetExceeded, rejected.Reason);
    }

    [Fact]
    public void Observe_only_decides_and_logs_but_never_executes()
    {
        var plan = Engine().Decide(State(AutonomyPhase.ObserveOnly), Reinforce(), Context(), T0);

        Assert.Equal(GateNames.Phase, Assert.IsType<Rejected>(plan.Decision.Outcome).Gate);
        Assert.False(plan.Invoke);
        Assert.IsType<ProposalDecided>(Assert.Single(plan.Events));
    }

    [Fact]
    public void Drift_never_blocks_even_when_every_drift_signal_is_alarming()
    {
        var options = new AutonomyOptions { AdaptiveBaseBudgetPerHour = 100 };
        var engine = Engine(options);
        var state = State(AutonomyPhase.Adaptive, trust: 1.0, options) with
        {
            RecentMutationTools = [.. Enumerable.Repeat(MutationToolNames.ReinforceEdge, 40)],
        };
        var context = Context(drift: new DriftSignals(ReinforcementGini: 0.99, LongTermEntropySlope: -5), analyst: new AnalystActivity(500, 0));

        var plan = engine.Decide(state, Reinforce(), context, T0);

        Assert.IsType<Executed>(plan.Decision.Outcome);
        Assert.True(plan.Invoke);
        Assert.Equal(4, plan.Decision.Warnings.Count);
        Assert.Contains(plan.Decision.Warnings, w => w.Contains("gini", StringComparison.Ordinal));
        Assert.Contains(plan.Decision.Warnings, w => w.Contains("entropy slope", StringComparison.Ordinal));
        Assert.Contains(plan.Decision.Warnings, w => w.Contains("skewed", StringComparison.Ordinal));
        Assert.Contains(plan.Decision.Warnings, w => w.Contains("overconfidence", StringComparison.Ordinal));
    }

    [Fact]
    public void Drift_warnings_also_ride_on_rejected_decisions()
    {
        var plan = Engine().Decide(State(AutonomyPhase.LimitedMutation), Reinforce(confidence: 0.1), Context(drift: new DriftSignals(0.9, 0)), T0);

        Assert.IsType<Rejected>(plan.Decision.Outcome);
        Assert.Single(plan.Decision.Warnings);
    }

    [Fact]
    public void Trust_collapse_after_three_failed_mutations_demotes_to_observe_only()
    {
        var options = new AutonomyOptions { LimitedBudgetPerHour = 10 };
        var engine = Engine(options);
        var state = State(AutonomyPhase.LimitedMutation, options: options);
        var trusts = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var plan = engine.Decide(state, Reinforce(), Context(), T0.AddMinutes(i * 2));
            state = Fold(state, plan.Events, options);
            var outcome = engine.Complete(state, plan.Decision, ToolInvocationResult.Failure("engine error"), T0.AddMinutes(i * 2));
            state = Fold(state, outcome.Events, options);
            trusts.Add(state.ExecutorTrust);
        }

        Assert.Equal([0.4, 0.3, 0.2], trusts.Select(t => Math.Round(t, 10)));
        Assert.Equal(AutonomyPhase.ObserveOnly, state.Phase);
        Assert.True(state.IsDemoted);
        Assert.Equal(1, state.Demotions);
        var next = engine.Decide(state, Reinforce(), Context(), T0.AddMinutes(10));
        Assert.IsType<Rejected>(next.Decision.Outcome);
        Assert.False(next.Invoke);
    }

    [Fact]
    public void A_successful_mutation_raises_trust_and_rate_limits_lower_it_less_than_errors()
    {
        var engine = Engine();
        var state = State(AutonomyPhase.LimitedMutation);
        var plan = engine.Decide(state, Reinforce(), Context(), T0);
        state = Fold(state, plan.Events);

        var success = engine.Complete(state, plan.Decision, ToolInvocationResult.Success("ok"), T0);
        var limited = engine.Complete(state, plan.Decision, ToolInvocationResult.RateLimit("retry in 1 s"), T0);
        var failed = engine.Complete(state, plan.Decision, ToolInvocationResult.Failure("boom"), T0);

        Assert.Equal(0.525, success.Decision.TrustAfter, 10);
        Assert.Equal(0.45, limited.Decision.TrustAfter, 10);
        Assert.Equal(0.4, failed.Decision.TrustAfter, 10);
        Assert.Equal(ToolExecutionStatus.Committed, success.Decision.Execution!.Status);
        Assert.Equal(ToolExecutionStatus.RateLimited, limited.Decision.Execution!.Status);
        var folded = Fold(state, success.Events);
        Assert.Equal(0.525, folded.ExecutorTrust, 10);
        Assert.Equal(0.525, folded.Decisions[^1].Decision.TrustAfter, 10);
        Assert.Equal(ToolExecutionStatus.Committed, folded.Decisions[^1].Decision.Execution!.Status);
        Assert.Null(folded.PendingExecution);
    }

    [Fact]
    public void The_budget_of_phase_2_is_three_per_sliding_hour()
    {
        var engine = Engine();
        var state = State(AutonomyPhase.LimitedMutation);
        var remaining = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            var plan = engine.Decide(state, Reinforce(), Context(), T0.AddMinutes(i * 10));
            remaining.Add(plan.Decision.BudgetRemaining);
            state = Fold(state, plan.Events);
        }

        var spent = engine.Decide(state, Reinforce(), Context(), T0.AddMinutes(59));
        var refilled = engine.Decide(state, Reinforce(), Context(), T0.AddMinutes(60));

        Assert.Equal([2, 1, 0], remaining);
        Assert.Equal(GateNames.Budget, Assert.IsType<Rejected>(spent.Decision.Outcome).Gate);
        Assert.IsType<Executed>(refilled.Decision.Outcome);
    }

    [Fact]
    public void Unknown_tools_and_bad_arguments_never_reach_the_invoker()
    {
        var engine = Engine();
        var state = State(AutonomyPhase.LimitedMutation);

        var unknown = engine.Decide(state, Tool("ingest_pcap", """{"path":"/tmp/x.pcap"}"""), Context(), T0);
        var missing = engine.Decide(state, Tool(MutationToolNames.ReinforceEdge, "{}"), Context(), T0);
        var notObject = engine.Decide(state, Tool(MutationToolNames.DecayNow, "[1,2]"), Context(), T0);

        Assert.Equal(GateNames.Tool, Assert.IsType<Rejected>(unknown.Decision.Outcome).Gate);
        Assert.Equal(GateNames.Validation, Assert.IsType<Rejected>(missing.Decision.Outcome).Gate);
        Assert.Equal(GateNames.Validation, Assert.IsType<Rejected>(notObject.Decision.Outcome).Gate);
        Assert.False(unknown.Invoke || missing.Invoke || notObject.Invoke);
    }

    [Fact]
    public void Deciding_the_same_proposal_twice_returns_the_first_decision_and_persists_nothing()
    {
        var engine = Engine();
        var state = State(AutonomyPhase.LimitedMutation);
        var proposal = Reinforce();
        var first = engine.Decide(state, proposal, Context(), T0);
        state = Fold(state, first.Events);

        var again = engine.Decide(state, proposal, Context(), T0.AddSeconds(5));

        Assert.Empty(again.Events);
        Assert.False(again.Invoke);
        Assert.Equal(first.Decision, again.Decision);
    }

    [Fact]
    public void Analyst_trust_rises_when_its_proposals_pass_and_falls_when_gates_reject_them()
    {
        var engine = Engine();
        var state = State(AutonomyPhase.LimitedMutation);

        var passed = Fold(state, engine.Decide(state, Reinforce(), Context(), T0).Events);
        var rejected = Fold(state, engine.Decide(state, Reinforce(confidence: 0.5), Context(), T0).Events);
        var byAgent = Fold(state, engine.Decide(state, Reinforce(proposer: "agent-7"), Context(), T0).Events);

        Assert.Equal(0.525, passed.AnalystTrust, 10);
        Assert.Equal(0.48, rejected.AnalystTrust, 10);
        Assert.Equal(0.5, byAgent.AnalystTrust);
    }

    [Fact]
    public void An_operator_promotes_one_phase_at_a_time_and_cannot_promote_a_distrusted_executor_without_resetting_trust()
    {
        var engine = Engine();

        var skip = engine.ChangePhase(State(AutonomyPhase.ObserveOnly), AutonomyPhase.LimitedMutation, "ops", "", false, T0);
        var step = engine.ChangePhase(State(AutonomyPhase.ObserveOnly), AutonomyPhase.Shadow, "ops", "", false, T0);
        var distrusted = engine.ChangePhase(State(AutonomyPhase.ObserveOnly, trust: 0.2), AutonomyPhase.Shadow, "ops", "", false, T0);
        var reset = engine.ChangePhase(State(AutonomyPhase.ObserveOnly, trust: 0.2), AutonomyPhase.Shadow, "ops", "", true, T0);

        Assert.False(skip.Reply.Accepted);
        Assert.Empty(skip.Events);
        Assert.True(step.Reply.Accepted);
        Assert.False(distrusted.Reply.Accepted);
        Assert.True(reset.Reply.Accepted);
        var after = Fold(State(AutonomyPhase.ObserveOnly, trust: 0.2) with { IsDemoted = true }, reset.Events);
        Assert.Equal(0.5, after.ExecutorTrust);
        Assert.Equal(AutonomyPhase.Shadow, after.Phase);
        Assert.False(after.IsDemoted);
    }
}
