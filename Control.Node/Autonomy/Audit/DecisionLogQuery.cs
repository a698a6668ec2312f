namespace NerfEngine.Control.Autonomy.Audit;

/// <summary>A filter over the decision log; every criterion is optional. Results are in decision order, the newest <see cref="Limit"/>.</summary>
/// <param name="Since">Decided at or after.</param>
/// <param name="Until">Decided before.</param>
/// <param name="Tool">Exact tool name.</param>
/// <param name="Outcome">Outcome kind (executed | shadowed | rejected | demoted).</param>
/// <param name="ProposalId">One proposal (the "decide" lookup).</param>
/// <param name="Limit">Most entries returned (default 100).</param>
public sealed record DecisionLogQuery(
    DateTimeOffset? Since = null, DateTimeOffset? Until = null, string? Tool = null, string? Outcome = null, Guid? ProposalId = null, int Limit = 100)
{
    /// <summary>Everything (up to int.MaxValue entries).</summary>
    public static DecisionLogQuery All { get; } = new(Limit: int.MaxValue);

    /// <summary>The newest <see cref="Limit"/> matching entries of <paramref name="log"/>, oldest first.</summary>
    public IReadOnlyList<DecisionLogEntry> Apply(IEnumerable<DecisionLogEntry> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var matches = log.Where(Matches).ToList();
        var limit = Math.Max(0, Limit);
        return matches.Count <= limit ? matches : matches.GetRange(matches.Count - limit, limit);
    }

    /// <summary>True when <paramref name="entry"/> passes every given criterion.</summary>
    public bool Matches(DecisionLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var decision = entry.Decision;
        return (Since is null || decision.DecidedAt >= Since)
            && (Until is null || decision.DecidedAt < Until)
            && (Tool is null || string.Equals(decision.Tool, Tool, StringComparison.Ordinal))
            && (Outcome is null || string.Equals(OutcomeKinds.Of(decision.Outcome), Outcome, StringComparison.OrdinalIgnoreCase))
            && (ProposalId is null || entry.Proposal.Id == ProposalId);
    }
}

/// <summary>A page of the in-memory decision log.</summary>
/// <param name="Entries">Matching entries, oldest first.</param>
/// <param name="TotalDecisions">Decisions ever made (the journal holds all of them; export from it for more than memory holds).</param>
/// <param name="HeldInMemory">Decisions the executor holds in memory.</param>
public sealed record DecisionLogPage(IReadOnlyList<DecisionLogEntry> Entries, long TotalDecisions, int HeldInMemory);
