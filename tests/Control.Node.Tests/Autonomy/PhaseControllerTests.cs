using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Gates;
using NerfEngine.Control.Autonomy.Governance;
using NerfEngine.Control.Autonomy.Ledger;
using static NerfEngine.Tests.ControlNode.Autonomy.AutonomyTestData;

namespace NerfEngine.Tests.ControlNode.Autonomy;

/// <summary>Phase budgets and the automatic rollback after sustained instability.</summary>
public sealed class PhaseControllerTests
{
    private static readonly PhaseController Phases = new(new AutonomyOptions());

    [Theory]
    [InlineData(1.0, 10)]
    [InlineData(0.95, 9)]
    [InlineData(0.7, 7)]
    [InlineData(0.5, 5)]
    [InlineData(0.3, 3)]
    [InlineData(0.1, 3)]
    [InlineData(0.0, 3)]
    public void Adaptive_budget_is_base_times_trust_clamped_to_0_3_and_1_0(double trust, int expected) =>
        Assert.Equal(expected, Phases.BudgetCapacity(AutonomyPhase.Adaptive, trust));

    [Fact]
    public void Adaptive_budget_follows_a_configured_base()
    {
        var phases = new PhaseController(new AutonomyOptions { AdaptiveBaseBudgetPerHour = 20 });

        Assert.Equal(10, phases.BudgetCapacity(AutonomyPhase.Adaptive, 0.5));
        Assert.Equal(6, phases.BudgetCapacity(AutonomyPhase.Adaptive, 0.05));
        Assert.Equal(20, phases.BudgetCapacity(AutonomyPhase.Adaptive, 1.0));
    }

    [Fact]
    public void Observe_only_has_no_budget_and_shadow_and_limited_budget_three()
    {
        Assert.Equal(0, Phases.BudgetCapacity(AutonomyPhase.ObserveOnly, 1.0));
        Assert.Equal(3, Phases.BudgetCapacity(AutonomyPhase.Shadow, 0.5));
        Assert.Equal(3, Phases.BudgetCapacity(AutonomyPhase.LimitedMutation, 1.0));
    }

    [Fact]
    public void Rollback_is_due_after_more_than_300_s_unstable_not_at_299_s_nor_at_exactly_300_s()
    {
        Assert.False(Phases.IsRollbackDue(AutonomyPhase.LimitedMutation, T0, T0.AddSeconds(299)));
        Assert.False(Phases.IsRollbackDue(AutonomyPhase.LimitedMutation, T0, T0.AddSeconds(300)));
        Assert.True(Phases.IsRollbackDue(AutonomyPhase.LimitedMutation, T0, T0.AddSeconds(300.001)));
        Assert.False(Phases.IsRollbackDue(AutonomyPhase.ObserveOnly, T0, T0.AddHours(1)));
        Assert.False(Phases.IsRollbackDue(AutonomyPhase.Adaptive, null, T0.AddHours(1)));
    }

    [Fact]
    public void Sustained_instability_rolls_back_one_phase_per_300_s_and_stops_at_observe_only()
    {
        var engine = Engine();
        var state = State(AutonomyPhase.Adaptive);
        var unstable = engine.AssessStability(state, new StabilitySignals(0.5, 0), T0);
        var phases = new List<AutonomyPhase>();
        for (var second = 0; second <= 1000; second++)
        {
            var now = T0.AddSeconds(second);
            state = Fold(state, engine.ObserveStability(state, unstable, now));
            phases.Add(state.Phase);
        }

        Assert.Equal(AutonomyPhase.Adaptive, phases[300]);
        Assert.Equal(AutonomyPhase.LimitedMutation, phases[301]);
        Assert.Equal(AutonomyPhase.LimitedMutation, phases[601]);
        Assert.Equal(AutonomyPhase.Shadow, phases[602]);
        Assert.Equal(AutonomyPhase.ObserveOnly, phases[903]);
        Assert.Equal(AutonomyPhase.ObserveOnly, phases[1000]);
    }

    [Fact]
    public void Becoming_stable_again_stops_the_rollback_clock()
    {
        var engine = Engine();
        var state = State(AutonomyPhase.LimitedMutation);
        var unstable = engine.AssessStability(state, new StabilitySignals(0, 0.9), T0);
        var stable = engine.AssessStability(state, StabilitySignals.Calm, T0);

        state = Fold(state, engine.ObserveStability(state, unstable, T0));
        state = Fold(state, engine.ObserveStability(state, stable, T0.AddSeconds(200)));
        state = Fold(state, engine.ObserveStability(state, unstable, T0.AddSeconds(250)));
        var at450 = engine.ObserveStability(state, unstable, T0.AddSeconds(450));
        var at551 = engine.ObserveStability(state, unstable, T0.AddSeconds(551));

        Assert.Empty(at450);
        Assert.Equal(PhaseChangeCause.StabilityRollback, Assert.IsType<PhaseChanged>(Assert.Single(at551)).Cause);
    }

    [Fact]
    public void Only_stability_flips_are_persisted()
    {
        var engine = Engine();
        var state = State(AutonomyPhase.LimitedMutation);
        var unstable = engine.AssessStability(state, new StabilitySignals(0.9, 0), T0);

        var first = engine.ObserveStability(state, unstable, T0);
        state = Fold(state, first);
        var second = engine.ObserveStability(state, unstable, T0.AddSeconds(1));

        Assert.False(Assert.IsType<StabilityChanged>(Assert.Single(first)).IsStable);
        Assert.Empty(second);
        Assert.Equal(T0, state.UnstableSince);
    }
}
