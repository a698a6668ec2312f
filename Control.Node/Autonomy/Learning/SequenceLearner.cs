namespace NerfEngine.Control.Autonomy.Learning;

/// <summary>
/// Tabular Q-learning over tool sequences: state = the last K executed tools, action = the next tool. Learns only
/// in phase 3 and only after 20+ stable samples, because rewards measured on an unstable graph say more about the
/// graph than about the tool. Pure: it computes the new Q-value, the executor persists it (LearningUpdated), and
/// recovery folds the persisted value, so replay never depends on the options of the day.
/// </summary>
/// <remarks>
/// reward = w_gain·signal_gain − 0.5·mutation_cost − 2·rate_limit_hits − oscillation − 3·errors − gini_penalty
/// − decay_lambda_volatility − sequence_redundancy (weights in <see cref="AutonomyOptions"/>, Reward*Weight).
/// Update: Q(s,a) ← Q(s,a) + α·(r + γ·maxₐ′ Q(s′,a′) − Q(s,a)), s′ = s shifted by a; α = 0.1, γ = 0.9.
/// </remarks>
public sealed class SequenceLearner(AutonomyOptions options)
{
    /// <summary>State key of an empty history.</summary>
    public const string StartState = "^";

    /// <summary>The reward of one mutation, from the caller's measured terms.</summary>
    public double Reward(RewardSignals s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (options.RewardSignalGainWeight * s.SignalGain)
            - (options.RewardMutationCostWeight * s.MutationCost)
            - (options.RewardRateLimitWeight * s.RateLimitHits)
            - (options.RewardOscillationWeight * s.Oscillation)
            - (options.RewardErrorWeight * s.Errors)
            - (options.RewardGiniPenaltyWeight * s.GiniPenalty)
            - (options.RewardLambdaVolatilityWeight * s.DecayLambdaVolatility)
            - (options.RewardRedundancyWeight * s.SequenceRedundancy);
    }

    /// <summary>Learning is on in phase 3 once at least <see cref="AutonomyOptions.LearningMinStableSamples"/> stable samples exist.</summary>
    public bool IsEnabled(AutonomyPhase phase, long stableSamples) =>
        phase == AutonomyPhase.Adaptive && stableSamples >= options.LearningMinStableSamples;

    /// <summary>The state of a tool history: its last K tools joined by '&gt;', or <see cref="StartState"/>.</summary>
    public string StateOf(IReadOnlyList<string> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0)
        {
            return StartState;
        }

        var k = Math.Min(options.LearningSequenceLength, history.Count);
        return string.Join('>', history.Skip(history.Count - k));
    }

    /// <summary>
    /// One sample: <paramref name="action"/> after <paramref name="history"/> earned <paramref name="reward"/>.
    /// Returns the state, next state and, when <paramref name="enabled"/>, the new Q(s,a); disabled samples change nothing.
    /// </summary>
    public LearningStep Learn(QTable table, IReadOnlyList<string> history, string action, double reward, bool enabled)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        var state = StateOf(history);
        var next = StateOf([.. history, action]);
        if (!enabled)
        {
            return new LearningStep(state, next, action, reward, null);
        }

        var q = table.Get(state, action);
        var target = reward + (options.LearningDiscount * table.MaxQ(next));
        return new LearningStep(state, next, action, reward, q + (options.LearningRate * (target - q)));
    }

    /// <summary>The tool with the best Q after <paramref name="history"/>; null while disabled or when nothing was learned there.</summary>
    public string? BestNextTool(QTable table, IReadOnlyList<string> history, bool enabled) =>
        enabled ? table.BestAction(StateOf(history)) : null;
}

/// <summary>One learning sample as computed.</summary>
/// <param name="State">State key before the action.</param>
/// <param name="NextState">State key after it.</param>
/// <param name="Action">The tool.</param>
/// <param name="Reward">The weighted reward.</param>
/// <param name="QAfter">New Q(state, action), or null when learning was disabled (sample counted only).</param>
public sealed record LearningStep(string State, string NextState, string Action, double Reward, double? QAfter);
