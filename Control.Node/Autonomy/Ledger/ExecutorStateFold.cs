using System.Collections.Immutable;

namespace NerfEngine.Control.Autonomy.Ledger;

/// <summary>
/// The one place executor events change state. Deterministic and free of clocks and options beyond the list
/// bounds: recovery replays exactly what ran when the events were first persisted.
/// </summary>
public static class ExecutorStateFold
{
    /// <summary>Folds <paramref name="e"/> into <paramref name="state"/>.</summary>
    public static ExecutorState Apply(ExecutorState state, ExecutorEvent e, ExecutorStateLimits limits)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(limits);
        return e switch
        {
            ProposalDecided d => Decided(state, d, limits),
            BudgetConsumed b => b.Shadow
                ? state with { ShadowBudget = state.ShadowBudget.Grant(b.At, limits.BudgetRetention), RecentMutationTools = Append(state.RecentMutationTools, b.Tool, limits) }
                : state with { Budget = state.Budget.Grant(b.At, limits.BudgetRetention), RecentMutationTools = Append(state.RecentMutationTools, b.Tool, limits) },
            MutationCommitted m => Patch(Completed(state, m.ProposalId, new ToolExecution(ToolExecutionStatus.Committed, m.Summary, m.At)),
                m.ProposalId, entry => entry with { PrecedingTools = m.PrecedingTools }) with
            {
                ExecutedTools = Append(state.ExecutedTools, m.Tool, limits),
            },
            MutationFailed f => Completed(state, f.ProposalId,
                new ToolExecution(f.RateLimited ? ToolExecutionStatus.RateLimited : ToolExecutionStatus.Failed, f.Error, f.At)),
            ExecutionInterrupted i => Completed(state, i.ProposalId, new ToolExecution(ToolExecutionStatus.Interrupted, "the executor stopped during the call", i.At)),
            TrustAdjusted t => Trust(state, t),
            PhaseChanged p => state with
            {
                Phase = p.To,
                IsDemoted = p.To > AutonomyPhase.ObserveOnly ? false : state.IsDemoted,
                // Each phase gets its own full rollback delay: a change while unstable restarts the clock.
                UnstableSince = state.IsStable ? null : p.At,
            },
            ExecutorDemoted => state with { Phase = AutonomyPhase.ObserveOnly, IsDemoted = true, Demotions = state.Demotions + 1 },
            StabilityChanged s => state with { IsStable = s.IsStable, UnstableSince = s.IsStable ? null : s.At },
            LearningUpdated l => Learned(state, l),
            _ => throw new ArgumentOutOfRangeException(nameof(e), e, "Unknown executor event."),
        };
    }

    private static ExecutorState Decided(ExecutorState state, ProposalDecided d, ExecutorStateLimits limits)
    {
        var decisions = state.Decisions.Add(new DecisionLogEntry(d.Proposal, d.Decision));
        if (decisions.Count > limits.DecisionLogCapacity)
        {
            decisions = decisions.RemoveRange(0, decisions.Count - limits.DecisionLogCapacity);
        }

        return state with
        {
            Decisions = decisions,
            DecisionCount = state.DecisionCount + 1,
            PendingExecution = d.Decision.Outcome is Executed ? d.Proposal.Id : state.PendingExecution,
        };
    }

    private static ExecutorState Completed(ExecutorState state, Guid proposalId, ToolExecution execution)
    {
        var patched = Patch(state, proposalId, entry => entry with { Decision = entry.Decision with { Execution = execution } });
        return patched with { PendingExecution = state.PendingExecution == proposalId ? null : state.PendingExecution };
    }

    private static ExecutorState Trust(ExecutorState state, TrustAdjusted t)
    {
        if (t.Subject == TrustSubject.Analyst)
        {
            return state with { AnalystTrust = t.To };
        }

        var updated = state with { ExecutorTrust = t.To };
        return t.ProposalId is { } id
            ? Patch(updated, id, entry => entry with { Decision = entry.Decision with { TrustAfter = t.To } })
            : updated;
    }

    private static ExecutorState Learned(ExecutorState state, LearningUpdated l)
    {
        var updated = Patch(state, l.ProposalId, entry => entry with { Reward = l.Reward }) with
        {
            StableSamples = state.StableSamples + (l.Stable ? 1 : 0),
        };
        return l.QAfter is { } q
            ? updated with { Learning = updated.Learning.With(l.State, l.Action, q), Trajectories = updated.Trajectories + 1 }
            : updated;
    }

    /// <summary>Rewrites the log entry of <paramref name="proposalId"/>; a no-op when it already left the in-memory log.</summary>
    private static ExecutorState Patch(ExecutorState state, Guid proposalId, Func<DecisionLogEntry, DecisionLogEntry> change)
    {
        var index = state.IndexOf(proposalId);
        return index < 0 ? state : state with { Decisions = state.Decisions.SetItem(index, change(state.Decisions[index])) };
    }

    private static ImmutableList<string> Append(ImmutableList<string> list, string item, ExecutorStateLimits limits)
    {
        var appended = list.Add(item);
        return appended.Count > limits.ToolHistoryCapacity ? appended.RemoveRange(0, appended.Count - limits.ToolHistoryCapacity) : appended;
    }
}
