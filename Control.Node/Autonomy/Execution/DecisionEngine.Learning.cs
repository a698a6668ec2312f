using NerfEngine.Control.Autonomy.Learning;
using NerfEngine.Control.Autonomy.Ledger;

namespace NerfEngine.Control.Autonomy.Execution;

/// <summary>Rewards and advice of the sequence learner.</summary>
public sealed partial class DecisionEngine
{
    /// <summary>
    /// Records the caller's reward terms for a committed mutation. The sample counts towards the 20-sample warm-up
    /// when <paramref name="stable"/>; it updates Q only when learning is enabled (phase 3, enough stable samples
    /// before it) AND the graph is stable: rewards measured on a moving graph describe the graph, not the tool.
    /// </summary>
    public (RewardRecorded Reply, IReadOnlyList<ExecutorEvent> Events) RecordReward(
        ExecutorState state, Guid proposalId, RewardSignals signals, bool stable, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(signals);
        if (state.FindDecision(proposalId) is not { } entry)
        {
            return (new RewardRecorded(false, $"no decision {proposalId} in the executor's recent log"), []);
        }

        if (entry.Decision.Execution?.Status != ToolExecutionStatus.Committed)
        {
            return (new RewardRecorded(false, $"decision {proposalId} is not a committed mutation; only those are rewarded"), []);
        }

        if (entry.Reward is not null)
        {
            return (new RewardRecorded(false, $"decision {proposalId} was already rewarded"), []);
        }

        var reward = Learner.Reward(signals);
        if (!double.IsFinite(reward))
        {
            return (new RewardRecorded(false, "reward terms must be finite numbers"), []);
        }

        var enabled = stable && Learner.IsEnabled(state.Phase, state.StableSamples);
        var step = Learner.Learn(state.Learning, entry.PrecedingTools ?? [], entry.Proposal.Tool, reward, enabled);
        var message = step.QAfter is null
            ? (stable ? "recorded (learning not enabled yet)" : "recorded as an unstable sample (not learned from)")
            : "recorded and learned";
        return (new RewardRecorded(true, message, reward, step.QAfter is not null),
            [new LearningUpdated(proposalId, step.State, step.Action, reward, stable, step.QAfter, now)]);
    }

    /// <summary>The learner's view now: enabled, counts and the best next tool after the last committed tools.</summary>
    public LearningAdvice Advise(ExecutorState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var enabled = Learner.IsEnabled(state.Phase, state.StableSamples);
        var k = Options.LearningSequenceLength;
        var recent = state.ExecutedTools.Skip(Math.Max(0, state.ExecutedTools.Count - k)).ToArray();
        return new LearningAdvice(enabled, state.StableSamples, state.Trajectories, recent, Learner.BestNextTool(state.Learning, recent, enabled));
    }
}
