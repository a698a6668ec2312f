using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Gates;
using static NerfEngine.Tests.ControlNode.Autonomy.AutonomyTestData;

namespace NerfEngine.Tests.ControlNode.Autonomy;

/// <summary>Each blocking gate rejects exactly at its SPEC §7 threshold, on the gate and through the engine.</summary>
public sealed class GateThresholdTests
{
    private static readonly AutonomyOptions Defaults = new();

    [Fact]
    public void Confidence_0_6999_is_rejected_and_0_70_passes()
    {
        var gate = new ConfidenceGate(Defaults);

        Assert.False(gate.Check(0.6999).Passed);
        Assert.True(gate.Check(0.70).Passed);
        Assert.False(gate.Check(double.NaN).Passed);
    }

    [Fact]
    public void A_proposal_at_confidence_0_6999_is_rejected_by_the_confidence_gate_and_at_0_70_executes()
    {
        var engine = Engine();
        var state = State(AutonomyPhase.LimitedMutation);

        var low = engine.Decide(state, Reinforce(confidence: 0.6999), Context(), T0);
        var ok = engine.Decide(state, Reinforce(confidence: 0.70), Context(), T0);

        Assert.Equal(GateNames.Confidence, Assert.IsType<Rejected>(low.Decision.Outcome).Gate);
        Assert.False(low.Invoke);
        Assert.IsType<Executed>(ok.Decision.Outcome);
        Assert.True(ok.Invoke);
    }

    [Fact]
    public void Trust_0_2999_fails_the_trust_gate_and_0_30_passes()
    {
        var gate = new TrustGate(Defaults);

        Assert.False(gate.Check(0.2999).Passed);
        Assert.True(gate.Check(0.30).Passed);
    }

    [Fact]
    public void An_executor_at_trust_0_2999_demotes_itself_to_observe_only_and_at_0_30_executes()
    {
        var engine = Engine();

        var low = engine.Decide(State(AutonomyPhase.LimitedMutation, trust: 0.2999), Reinforce(), Context(), T0);
        var ok = engine.Decide(State(AutonomyPhase.LimitedMutation, trust: 0.30), Reinforce(), Context(), T0);

        var demoted = Assert.IsType<Demoted>(low.Decision.Outcome);
        Assert.Equal(AutonomyPhase.LimitedMutation, demoted.FromPhase);
        Assert.False(low.Invoke);
        var after = Fold(State(AutonomyPhase.LimitedMutation, trust: 0.2999), low.Events);
        Assert.Equal(AutonomyPhase.ObserveOnly, after.Phase);
        Assert.True(after.IsDemoted);
        Assert.Single(after.Decisions);
        Assert.IsType<Executed>(ok.Decision.Outcome);
    }

    [Fact]
    public void Two_mutations_in_60_s_are_calm_and_the_third_makes_it_oscillating()
    {
        var gate = new StabilityGate(Defaults);

        Assert.True(gate.Assess(StabilitySignals.Calm, ownMutationsInWindow: 2).IsStable);
        var three = gate.Assess(StabilitySignals.Calm, ownMutationsInWindow: 3);
        Assert.False(three.IsStable);
        Assert.True(three.IsOscillating);
        Assert.True(gate.Assess(new StabilitySignals(0, 0, ExternalMutations: 1), ownMutationsInWindow: 2).IsOscillating);
    }

    [Fact]
    public void Three_executed_mutations_within_60_s_make_the_next_proposal_rejected_as_oscillating_until_the_window_passes()
    {
        var options = new AutonomyOptions { LimitedBudgetPerHour = 10 };
        var engine = Engine(options);
        var state = State(AutonomyPhase.LimitedMutation, options: options);
        for (var i = 0; i < 3; i++)
        {
            var plan = engine.Decide(state, Reinforce(), Context(), T0.AddSeconds(i * 20));
            Assert.IsType<Executed>(plan.Decision.Outcome);
            state = Fold(state, plan.Events, options);
        }

        var fourth = engine.Decide(state, Reinforce(), Context(), T0.AddSeconds(59));
        var later = engine.Decide(state, Reinforce(), Context(), T0.AddSeconds(60));

        var rejected = Assert.IsType<Rejected>(fourth.Decision.Outcome);
        Assert.Equal(GateNames.Stability, rejected.Gate);
        Assert.Contains("oscillating", rejected.Reason);
        Assert.IsType<Executed>(later.Decision.Outcome);
    }

    [Fact]
    public void Entropy_delta_0_2_is_stable_and_0_2001_is_not_in_either_direction()
    {
        var gate = new StabilityGate(Defaults);

        Assert.True(gate.Assess(new StabilitySignals(0.2, 0), 0).IsStable);
        Assert.False(gate.Assess(new StabilitySignals(0.2001, 0), 0).IsStable);
        Assert.False(gate.Assess(new StabilitySignals(-0.2001, 0), 0).IsStable);
        Assert.False(gate.Assess(new StabilitySignals(double.NaN, 0), 0).IsStable);
    }

    [Fact]
    public void Edge_weight_variance_0_15_is_stable_and_0_1501_is_not()
    {
        var gate = new StabilityGate(Defaults);

        Assert.True(gate.Assess(new StabilitySignals(0, 0.15), 0).IsStable);
        Assert.False(gate.Assess(new StabilitySignals(0, 0.1501), 0).IsStable);
    }

    [Theory]
    [InlineData(0.2, 0.15, true)]
    [InlineData(0.2001, 0.15, false)]
    [InlineData(0.2, 0.1501, false)]
    public void The_engine_rejects_a_proposal_on_a_moving_graph_exactly_past_the_stability_limits(double entropyDelta, double variance, bool executes)
    {
        var plan = Engine().Decide(State(AutonomyPhase.LimitedMutation), Reinforce(), Context(new StabilitySignals(entropyDelta, variance)), T0);

        if (executes)
        {
            Assert.IsType<Executed>(plan.Decision.Outcome);
        }
        else
        {
            Assert.Equal(GateNames.Stability, Assert.IsType<Rejected>(plan.Decision.Outcome).Gate);
        }
    }
}
