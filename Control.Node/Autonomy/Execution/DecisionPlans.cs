using NerfEngine.Control.Autonomy.Gates;
using NerfEngine.Control.Autonomy.Ledger;

namespace NerfEngine.Control.Autonomy.Execution;

/// <summary>What the executor knows besides its durable state when it decides: the latest caller-provided signals.</summary>
/// <param name="Stability">Latest stability signals.</param>
/// <param name="Drift">Latest drift signals.</param>
/// <param name="Analyst">The analyst's latest activity report.</param>
public sealed record DecisionContext(StabilitySignals Stability, DriftSignals Drift, AnalystActivity Analyst)
{
    /// <summary>Calm graph, no drift, no analyst activity: the executor's assumption before any signal arrives.</summary>
    public static DecisionContext Quiet { get; } = new(StabilitySignals.Calm, DriftSignals.None, AnalystActivity.None);
}

/// <summary>A decision and the events that make it durable; <paramref name="Invoke"/> when the tool must be called after they are persisted.</summary>
/// <param name="Decision">The decision to reply.</param>
/// <param name="Events">To persist atomically before replying (empty for an already-decided proposal).</param>
/// <param name="Invoke">True for an executed decision: call the tool once the events are durable.</param>
public sealed record DecisionPlan(Decision Decision, IReadOnlyList<ExecutorEvent> Events, bool Invoke);

/// <summary>A tool's result folded into the decision, and the events recording it (result, trust, maybe demotion).</summary>
/// <param name="Decision">The decision with its execution and trust after.</param>
/// <param name="Events">To persist atomically before replying.</param>
public sealed record OutcomePlan(Decision Decision, IReadOnlyList<ExecutorEvent> Events);

/// <summary>Reply to an operator's phase command.</summary>
/// <param name="Accepted">True when the phase changed.</param>
/// <param name="Phase">The phase now.</param>
/// <param name="Message">What happened, or why it was refused.</param>
public sealed record PhaseChangeResult(bool Accepted, AutonomyPhase Phase, string Message);

/// <summary>Reply to a reward report.</summary>
/// <param name="Accepted">True when the sample was recorded.</param>
/// <param name="Message">What happened, or why it was refused.</param>
/// <param name="Reward">The weighted reward (when accepted).</param>
/// <param name="Learned">True when the sample updated a Q-value (learning enabled and stable).</param>
public sealed record RewardRecorded(bool Accepted, string Message, double? Reward = null, bool Learned = false);

/// <summary>What the learner suggests now.</summary>
/// <param name="Enabled">Learning is on (phase 3, 20+ stable samples).</param>
/// <param name="StableSamples">Stable samples recorded.</param>
/// <param name="Trajectories">Samples learned from.</param>
/// <param name="RecentTools">The last committed tools (the learner's current state).</param>
/// <param name="BestNextTool">Best next tool by Q-value; null while disabled or unseen.</param>
public sealed record LearningAdvice(bool Enabled, long StableSamples, long Trajectories, IReadOnlyList<string> RecentTools, string? BestNextTool);
