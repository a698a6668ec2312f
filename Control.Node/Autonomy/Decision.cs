namespace NerfEngine.Control.Autonomy;

/// <summary>
/// The executor's verdict on one proposal, as persisted (ProposalDecided) and replied. The decision is durable before
/// any tool is called; the tool's result is added by a later event (<see cref="Execution"/>).
/// </summary>
/// <param name="ProposalId">The proposal decided.</param>
/// <param name="Tool">Its tool.</param>
/// <param name="Outcome">Executed, Shadowed, Rejected or Demoted.</param>
/// <param name="Phase">Phase at decision time.</param>
/// <param name="TrustBefore">Executor trust before the decision.</param>
/// <param name="TrustAfter">Executor trust after the decision and, once executed, after its result.</param>
/// <param name="BudgetRemaining">Mutations left in the current window after this decision (shadow budget in phase 1).</param>
/// <param name="Warnings">Drift warnings: advisory, they never block.</param>
/// <param name="DecidedAt">When the executor decided.</param>
/// <param name="Execution">The tool's result when executed; null otherwise (or while the call runs).</param>
public sealed record Decision(
    Guid ProposalId,
    string Tool,
    DecisionOutcome Outcome,
    AutonomyPhase Phase,
    double TrustBefore,
    double TrustAfter,
    int BudgetRemaining,
    IReadOnlyList<string> Warnings,
    DateTimeOffset DecidedAt,
    ToolExecution? Execution = null)
{
    /// <summary>True when the graph was (or is being) mutated.</summary>
    public bool IsExecuted => Outcome is Executed;
}

/// <summary>The recorded result of an executed mutation.</summary>
/// <param name="Status">One of <see cref="ToolExecutionStatus"/>.</param>
/// <param name="Summary">The tool's result summary (never a full snapshot) or the error.</param>
/// <param name="CompletedAt">When the result was recorded.</param>
public sealed record ToolExecution(string Status, string? Summary, DateTimeOffset CompletedAt);

/// <summary>Statuses of <see cref="ToolExecution"/>.</summary>
public static class ToolExecutionStatus
{
    /// <summary>The tool succeeded; the mutation is committed.</summary>
    public const string Committed = "committed";

    /// <summary>The tool failed.</summary>
    public const string Failed = "failed";

    /// <summary>The tool refused: rate limit (retryable).</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>The executor stopped while the tool ran; whether it mutated is unknown (found at recovery).</summary>
    public const string Interrupted = "interrupted";
}
