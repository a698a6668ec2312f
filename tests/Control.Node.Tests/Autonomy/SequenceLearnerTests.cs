using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Execution;
using NerfEngine.Control.Autonomy.Learning;
using NerfEngine.Control.Autonomy.Ledger;
using static NerfEngine.Tests.ControlNode.Autonomy.AutonomyTestData;

namespace NerfEngine.Tests.ControlNode.Autonomy;

/// <summary>Q-learning over tool sequences: reward, warm-up gate, updates and advice.</summary>
public sealed class SequenceLearnerTests
{
    private static readonly SequenceLearner Learner = new(new AutonomyOptions());

    [Fact]
    public void Reward_weighs_each_caller_term_as_the_spec_writes_it()
    {
        var reward = Learner.Reward(new RewardSignals(
            SignalGain: 10, MutationCost: 2, RateLimitHits: 1, Oscillation: 0.5, Errors: 1, GiniPenalty: 0.25, DecayLambdaVolatility: 0.125, SequenceRedundancy: 0.0625));

        Assert.Equal(10 - (0.5 * 2) - (2 * 1) - 0.5 - (3 * 1) - 0.25 - 0.125 - 0.0625, reward, 12);
    }

    [Fact]
    public void Q_learning_is_disabled_before_20_stable_samples_and_in_phases_below_3()
    {
        Assert.False(Learner.IsEnabled(AutonomyPhase.Adaptive, 19));
        Assert.True(Learner.IsEnabled(AutonomyPhase.Adaptive, 20));
        Assert.False(Learner.IsEnabled(AutonomyPhase.LimitedMutation, 1000));
        var disabled = Learner.Learn(QTable.Empty, [], MutationToolNames.DecayNow, 5, enabled: false);
        Assert.Null(disabled.QAfter);
        Assert.Null(Learner.BestNextTool(QTable.Empty.With("^", MutationToolNames.DecayNow, 1), [], enabled: false));
    }

    [Fact]
    public void A_q_update_moves_toward_reward_plus_discounted_best_next_value()
    {
        var table = QTable.Empty.With("decay_now", "prune_below_weight", 2.0).With("^", "decay_now", 1.0);

        var step = Learner.Learn(table, [], MutationToolNames.DecayNow, reward: 3, enabled: true);

        Assert.Equal("^", step.State);
        Assert.Equal("decay_now", step.NextState);
        Assert.Equal(1.0 + (0.1 * (3 + (0.9 * 2.0) - 1.0)), step.QAfter!.Value, 12);
    }

    [Fact]
    public void The_state_is_the_last_k_tools()
    {
        Assert.Equal("^", Learner.StateOf([]));
        Assert.Equal("a", Learner.StateOf(["a"]));
        Assert.Equal("b>c", Learner.StateOf(["a", "b", "c"]));
    }

    [Fact]
    public void Through_the_engine_nineteen_stable_samples_learn_nothing_and_from_the_twenty_first_on_q_values_are_learned()
    {
        var options = new AutonomyOptions { AdaptiveBaseBudgetPerHour = 1000 };
        var engine = Engine(options);
        var state = State(AutonomyPhase.Adaptive, trust: 1.0, options);
        var learned = new List<bool>();
        for (var i = 0; i < 22; i++)
        {
            var now = T0.AddMinutes(i);
            var tool = i % 2 == 0 ? Reinforce() : Prune();
            var plan = engine.Decide(state, tool, Context(), now);
            state = Fold(state, plan.Events, options);
            state = Fold(state, engine.Complete(state, plan.Decision, ToolInvocationResult.Success(), now).Events, options);
            var (reply, events) = engine.RecordReward(state, tool.Id, new RewardSignals(SignalGain: i % 2 == 0 ? 1 : 2), stable: true, now);
            Assert.True(reply.Accepted, reply.Message);
            state = Fold(state, events, options);
            learned.Add(reply.Learned);
            if (i == 18)
            {
                Assert.False(engine.Advise(state).Enabled);
                Assert.Equal(19, state.StableSamples);
            }
        }

        Assert.All(learned.Take(20), Assert.False);
        Assert.True(learned[20]);
        Assert.True(learned[21]);
        Assert.Equal(2, state.Trajectories);
        var advice = engine.Advise(state);
        Assert.True(advice.Enabled);
        Assert.Equal(22, advice.StableSamples);
    }

    [Fact]
    public void Unstable_samples_never_count_towards_the_warm_up_nor_teach_anything()
    {
        var engine = Engine();
        var state = State(AutonomyPhase.Adaptive, trust: 1.0) with { StableSamples = 50 };
        var proposal = Reinforce();
        var plan = engine.Decide(state, proposal, Context(), T0);
        state = Fold(state, plan.Events);
        state = Fold(state, engine.Complete(state, plan.Decision, ToolInvocationResult.Success(), T0).Events);

        var (reply, events) = engine.RecordReward(state, proposal.Id, new RewardSignals(1), stable: false, T0);
        state = Fold(state, events);

        Assert.True(reply.Accepted);
        Assert.False(reply.Learned);
        Assert.Equal(50, state.StableSamples);
        Assert.Equal(0, state.Trajectories);
    }

    [Fact]
    public void Rewards_for_uncommitted_unknown_or_already_rewarded_decisions_are_refused()
    {
        var engine = Engine();
        var state = State(AutonomyPhase.LimitedMutation);
        var proposal = Reinforce();
        var plan = engine.Decide(state, proposal, Context(), T0);
        state = Fold(state, plan.Events);

        Assert.False(engine.RecordReward(state, Guid.NewGuid(), new RewardSignals(1), true, T0).Reply.Accepted);
        Assert.False(engine.RecordReward(state, proposal.Id, new RewardSignals(1), true, T0).Reply.Accepted);
        state = Fold(state, engine.Complete(state, plan.Decision, ToolInvocationResult.Success(), T0).Events);
        var first = engine.RecordReward(state, proposal.Id, new RewardSignals(1), true, T0);
        state = Fold(state, first.Events);
        Assert.True(first.Reply.Accepted);
        Assert.False(engine.RecordReward(state, proposal.Id, new RewardSignals(1), true, T0).Reply.Accepted);
        Assert.False(engine.RecordReward(state, proposal.Id, new RewardSignals(double.NaN), true, T0).Reply.Accepted);
    }
}
