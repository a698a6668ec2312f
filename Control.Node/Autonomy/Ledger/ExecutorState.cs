using System.Collections.Immutable;
using NerfEngine.Control.Autonomy.Governance;
using NerfEngine.Control.Autonomy.Learning;

namespace NerfEngine.Control.Autonomy.Ledger;

/// <summary>
/// The executor's durable state: the fold of its journal (see <see cref="ExecutorStateFold"/>). Trust, phase, budget,
/// stability clock, decision log and learned Q-values all come back after a restart or failover because nothing here
/// is set except by an event. Immutable; also the snapshot payload.
/// </summary>
public sealed record ExecutorState
{
    /// <summary>Current phase.</summary>
    public AutonomyPhase Phase { get; init; }

    /// <summary>Executor trust in [0, 1].</summary>
    public double ExecutorTrust { get; init; }

    /// <summary>Analyst trust in [0, 1].</summary>
    public double AnalystTrust { get; init; }

    /// <summary>True after a trust demotion until an operator promotes again.</summary>
    public bool IsDemoted { get; init; }

    /// <summary>Trust demotions so far.</summary>
    public long Demotions { get; init; }

    /// <summary>Grants of real mutations (phases 2 and 3); also the oscillation count's source.</summary>
    public MutationBudget Budget { get; init; } = MutationBudget.Empty;

    /// <summary>Grants of shadow mutations (phase 1), kept apart so shadowing never spends the real budget.</summary>
    public MutationBudget ShadowBudget { get; init; } = MutationBudget.Empty;

    /// <summary>Last persisted stability verdict.</summary>
    public bool IsStable { get; init; } = true;

    /// <summary>Start of the current unstable stretch, restarted by every phase change; null while stable.</summary>
    public DateTimeOffset? UnstableSince { get; init; }

    /// <summary>The newest decisions (capacity-bounded; the journal keeps all of them).</summary>
    public ImmutableList<DecisionLogEntry> Decisions { get; init; } = ImmutableList<DecisionLogEntry>.Empty;

    /// <summary>Decisions ever made.</summary>
    public long DecisionCount { get; init; }

    /// <summary>A proposal whose tool call has no recorded result yet; found at recovery means the call was interrupted.</summary>
    public Guid? PendingExecution { get; init; }

    /// <summary>Recently committed tools, oldest first: the learner's state.</summary>
    public ImmutableList<string> ExecutedTools { get; init; } = ImmutableList<string>.Empty;

    /// <summary>Recently granted tools (real or shadow), oldest first: the drift monitor's tool distribution.</summary>
    public ImmutableList<string> RecentMutationTools { get; init; } = ImmutableList<string>.Empty;

    /// <summary>Learned Q-values.</summary>
    public QTable Learning { get; init; } = QTable.Empty;

    /// <summary>Reward samples recorded while stable (learning needs 20+).</summary>
    public long StableSamples { get; init; }

    /// <summary>Samples the learner actually learned from (Q updates).</summary>
    public long Trajectories { get; init; }

    /// <summary>A fresh executor: initial phase, initial trust for executor and analyst.</summary>
    public static ExecutorState Initial(AutonomyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var trust = TrustModel.Clamp(options.InitialTrust);
        return new ExecutorState { Phase = options.InitialPhase, ExecutorTrust = trust, AnalystTrust = trust };
    }

    /// <summary>The log entry of <paramref name="proposalId"/> if still held in memory (newest first, so the hot path is O(1)).</summary>
    public DecisionLogEntry? FindDecision(Guid proposalId)
    {
        var index = IndexOf(proposalId);
        return index < 0 ? null : Decisions[index];
    }

    /// <summary>Index of the entry of <paramref name="proposalId"/>, or −1.</summary>
    internal int IndexOf(Guid proposalId)
    {
        for (var i = Decisions.Count - 1; i >= 0; i--)
        {
            if (Decisions[i].Proposal.Id == proposalId)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>Bounds of the in-memory lists; they only decide what is kept in memory, never what is decided.</summary>
/// <param name="DecisionLogCapacity">Decisions kept.</param>
/// <param name="ToolHistoryCapacity">Tools kept in each tool list.</param>
/// <param name="BudgetRetention">Grants older than this are forgotten (the longest window anyone asks about).</param>
public sealed record ExecutorStateLimits(int DecisionLogCapacity, int ToolHistoryCapacity, TimeSpan BudgetRetention)
{
    /// <summary>Limits from the options.</summary>
    public static ExecutorStateLimits From(AutonomyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ExecutorStateLimits(
            options.DecisionLogCapacity,
            Math.Max(options.DriftToolWindow, options.LearningSequenceLength),
            options.BudgetWindow > options.OscillationWindow ? options.BudgetWindow : options.OscillationWindow);
    }

    /// <summary>No in-memory bound on decisions: for rebuilding the full log from the journal.</summary>
    public ExecutorStateLimits Unbounded() => this with { DecisionLogCapacity = int.MaxValue };
}
