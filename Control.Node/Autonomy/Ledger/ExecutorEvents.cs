namespace NerfEngine.Control.Autonomy.Ledger;

/// <summary>
/// Everything that changes the executor's state, persisted in its hash-chained journal (the evidence an auditor
/// replays). Each concrete event has an explicit manifest in <see cref="AutonomySerialization"/>; never rename a
/// manifest, add a new event (or a .v2) instead.
/// </summary>
/// <param name="At">When it happened, on the executor's clock.</param>
public abstract record ExecutorEvent(DateTimeOffset At);

/// <summary>Why the phase changed.</summary>
public enum PhaseChangeCause
{
    /// <summary>An operator's <c>phase</c> command.</summary>
    Operator = 0,

    /// <summary>Unstable for longer than the rollback delay: phase − 1.</summary>
    StabilityRollback = 1,

    /// <summary>A fresh executor started in the configured <see cref="AutonomyOptions.InitialPhase"/> (recorded so the journal alone says so).</summary>
    Configuration = 2,
}

/// <summary>Whose trust.</summary>
public enum TrustSubject
{
    /// <summary>The executor: moved by tool results.</summary>
    Executor = 0,

    /// <summary>The analyst: moved by whether its proposals pass the gates.</summary>
    Analyst = 1,
}

/// <summary>The phase moved (operator promotion/demotion or automatic rollback; trust demotion is <see cref="ExecutorDemoted"/>).</summary>
public sealed record PhaseChanged(AutonomyPhase From, AutonomyPhase To, PhaseChangeCause Cause, string By, string Reason, DateTimeOffset At)
    : ExecutorEvent(At);

/// <summary>Trust moved. <paramref name="ProposalId"/> links it to the decision whose result moved it (null for an operator reset).</summary>
public sealed record TrustAdjusted(TrustSubject Subject, double From, double To, string Cause, Guid? ProposalId, DateTimeOffset At)
    : ExecutorEvent(At);

/// <summary>A proposal was decided. Persisted before anything is executed or replied.</summary>
public sealed record ProposalDecided(Proposal Proposal, Decision Decision, DateTimeOffset At) : ExecutorEvent(At);

/// <summary>A mutation was granted from the budget (<paramref name="Shadow"/>: phase 1's simulated budget).</summary>
public sealed record BudgetConsumed(Guid ProposalId, string Tool, bool Shadow, DateTimeOffset At) : ExecutorEvent(At);

/// <summary>
/// An executed tool succeeded: the mutation is committed. <paramref name="PrecedingTools"/> are the executed tools
/// before it (the learner's state), captured now because later rewards may arrive after other mutations.
/// </summary>
public sealed record MutationCommitted(Guid ProposalId, string Tool, string? Summary, IReadOnlyList<string> PrecedingTools, DateTimeOffset At)
    : ExecutorEvent(At);

/// <summary>An executed tool failed, timed out or hit its rate limit.</summary>
public sealed record MutationFailed(Guid ProposalId, string Tool, string Error, bool RateLimited, DateTimeOffset At) : ExecutorEvent(At);

/// <summary>Found at recovery: a tool call was under way when the executor stopped, its result is unknown.</summary>
public sealed record ExecutionInterrupted(Guid ProposalId, DateTimeOffset At) : ExecutorEvent(At);

/// <summary>Trust fell below the trust gate: the executor fell back to observe-only.</summary>
public sealed record ExecutorDemoted(AutonomyPhase From, double Trust, string Reason, Guid? ProposalId, DateTimeOffset At) : ExecutorEvent(At);

/// <summary>Stability flipped. Persisted on transitions only, so the rollback clock survives a failover.</summary>
public sealed record StabilityChanged(bool IsStable, string Reason, DateTimeOffset At) : ExecutorEvent(At);

/// <summary>
/// A reward was recorded for an executed mutation. <paramref name="QAfter"/> is the new Q(state, action) when learning
/// was enabled, null when the sample only counted towards the warm-up.
/// </summary>
public sealed record LearningUpdated(
    Guid ProposalId, string State, string Action, double Reward, bool Stable, double? QAfter, DateTimeOffset At) : ExecutorEvent(At);
