using System.Globalization;
using NerfEngine.Control.Autonomy.Gates;
using NerfEngine.Control.Autonomy.Governance;
using NerfEngine.Control.Autonomy.Learning;
using NerfEngine.Control.Autonomy.Ledger;

namespace NerfEngine.Control.Autonomy.Execution;

/// <summary>
/// Every decision of the executor as pure functions of (state, input, now) → (reply, events to persist). The actor
/// only persists what this returns and calls the tool, so the whole loop is testable without actors or a journal.
/// </summary>
/// <remarks>
/// Gate order on a proposal: trust (below → demote) · phase 0 (observe-only executes nothing) · confidence · tool ·
/// validation · stability · budget; drift only adds warnings. Each decision is one ProposalDecided event, with
/// BudgetConsumed when it passes, so budget and log can never disagree.
/// </remarks>
public sealed partial class DecisionEngine
{
    /// <summary>The SPEC §6 error code of a spent budget, quoted in budget rejections.</summary>
    public const string MutationBudgetExceeded = "MUTATION_BUDGET_EXCEEDED";

    /// <summary>Who the executor signs its automatic events with.</summary>
    public const string ExecutorName = "executor";

    private readonly TrustGate _trustGate;
    private readonly ConfidenceGate _confidenceGate;
    private readonly StabilityGate _stabilityGate;
    private readonly DriftMonitor _driftMonitor;

    /// <summary>Creates an engine; throws when <paramref name="options"/> are inconsistent.</summary>
    public DecisionEngine(AutonomyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Tools = new MutationToolCatalog(options);
        Phases = new PhaseController(options);
        Trust = new TrustModel(options);
        Learner = new SequenceLearner(options);
        _trustGate = new TrustGate(options);
        _confidenceGate = new ConfidenceGate(options);
        _stabilityGate = new StabilityGate(options);
        _driftMonitor = new DriftMonitor(options);
    }

    /// <summary>The options.</summary>
    public AutonomyOptions Options { get; }

    /// <summary>Tool catalog (tool and validation gates, effect estimates).</summary>
    public MutationToolCatalog Tools { get; }

    /// <summary>Phase rules.</summary>
    public PhaseController Phases { get; }

    /// <summary>Trust update rule.</summary>
    public TrustModel Trust { get; }

    /// <summary>Sequence learner.</summary>
    public SequenceLearner Learner { get; }

    /// <summary>Stability from the signals plus the executor's own real mutations inside the oscillation window.</summary>
    public StabilityAssessment AssessStability(ExecutorState state, StabilitySignals signals, DateTimeOffset now) =>
        _stabilityGate.Assess(signals, state.Budget.Used(now, Options.OscillationWindow));

    /// <summary>Drift from the signals, the recent tool distribution and the analyst's abstentions.</summary>
    public DriftAssessment AssessDrift(ExecutorState state, DriftSignals signals, AnalystActivity analyst) =>
        _driftMonitor.Assess(signals, state.RecentMutationTools, analyst);

    /// <summary>The current phase's budget per window (phase 3: base × trust, clamped).</summary>
    public int BudgetCapacity(ExecutorState state) => Phases.BudgetCapacity(state.Phase, state.ExecutorTrust);

    /// <summary>Grants left now in the current phase's budget (phase 1 counts its shadow grants).</summary>
    public int BudgetRemaining(ExecutorState state, DateTimeOffset now)
    {
        var budget = state.Phase == AutonomyPhase.Shadow ? state.ShadowBudget : state.Budget;
        return budget.Remaining(now, BudgetCapacity(state), Options.BudgetWindow);
    }

    /// <summary>Decides <paramref name="proposal"/>. A proposal decided before gets its first decision back and no events (safe retries).</summary>
    public DecisionPlan Decide(ExecutorState state, Proposal proposal, DecisionContext context, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(context);
        if (state.FindDecision(proposal.Id) is { } earlier)
        {
            return new DecisionPlan(earlier.Decision, [], Invoke: false);
        }

        var drift = AssessDrift(state, context.Drift, context.Analyst);
        var remaining = BudgetRemaining(state, now);
        Decision Make(DecisionOutcome outcome, int budgetRemaining) => new(
            proposal.Id, proposal.Tool, outcome, state.Phase, state.ExecutorTrust, state.ExecutorTrust, budgetRemaining, drift.Warnings, now);
        DecisionPlan Reject(GateResult gate, bool proposerAtFault)
        {
            var decision = Make(gate.ToRejected(), remaining);
            var events = new List<ExecutorEvent> { new ProposalDecided(proposal, decision, now) };
            if (proposerAtFault)
            {
                AddAnalystEvidence(events, state, proposal, TrustEvidence.GateRejection, now);
            }

            return new DecisionPlan(decision, events, Invoke: false);
        }

        var trust = _trustGate.Check(state.ExecutorTrust);
        if (!trust.Passed)
        {
            if (state.Phase == AutonomyPhase.ObserveOnly)
            {
                return Reject(GateResult.Fail(GateNames.Trust, trust.Reason + "; the executor stays observe-only"), proposerAtFault: false);
            }

            var reason = trust.Reason + "; demoted to observe-only";
            var demoted = Make(new Demoted(state.Phase, reason), 0);
            return new DecisionPlan(demoted,
                [new ProposalDecided(proposal, demoted, now), new ExecutorDemoted(state.Phase, state.ExecutorTrust, reason, proposal.Id, now)],
                Invoke: false);
        }

        if (state.Phase == AutonomyPhase.ObserveOnly)
        {
            return Reject(GateResult.Fail(GateNames.Phase, "observe-only (phase 0): nothing is executed until an operator promotes the executor"),
                proposerAtFault: false);
        }

        foreach (var gate in ProposerGates(proposal, context, state, now))
        {
            if (!gate.Passed)
            {
                return Reject(gate, proposerAtFault: true);
            }
        }

        if (remaining <= 0)
        {
            var capacity = BudgetCapacity(state);
            return Reject(GateResult.Fail(GateNames.Budget, string.Create(CultureInfo.InvariantCulture,
                $"{MutationBudgetExceeded}: {capacity} of {capacity} {(state.Phase == AutonomyPhase.Shadow ? "shadow " : "")}mutations used in the last {Options.BudgetWindow.TotalMinutes:0} min")),
                proposerAtFault: false);
        }

        var shadow = state.Phase == AutonomyPhase.Shadow;
        DecisionOutcome outcome = shadow ? new Shadowed(WouldMutate: true, MutationToolCatalog.Estimate(proposal.Tool, proposal.Arguments)) : new Executed();
        var granted = Make(outcome, remaining - 1);
        var passed = new List<ExecutorEvent>
        {
            new ProposalDecided(proposal, granted, now),
            new BudgetConsumed(proposal.Id, proposal.Tool, shadow, now),
        };
        AddAnalystEvidence(passed, state, proposal, TrustEvidence.Success, now);
        return new DecisionPlan(granted, passed, Invoke: !shadow);
    }

    /// <summary>
    /// Records a tool's result for an executed <paramref name="decision"/>: commit or failure, executor trust, and a
    /// demotion when trust fell below the trust gate (the executor stops acting at once, not at the next proposal).
    /// </summary>
    public OutcomePlan Complete(ExecutorState state, Decision decision, ToolInvocationResult result, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(result);
        var events = new List<ExecutorEvent>(3);
        (TrustEvidence evidence, string status, string cause) = result.Status switch
        {
            ToolInvocationStatus.Succeeded => (TrustEvidence.Success, ToolExecutionStatus.Committed, "tool succeeded"),
            ToolInvocationStatus.RateLimited => (TrustEvidence.RateLimitHit, ToolExecutionStatus.RateLimited, "rate limit hit"),
            _ => (TrustEvidence.Error, ToolExecutionStatus.Failed, "tool failed"),
        };
        if (result.Succeeded)
        {
            var k = Options.LearningSequenceLength;
            var preceding = state.ExecutedTools.Skip(Math.Max(0, state.ExecutedTools.Count - k)).ToArray();
            events.Add(new MutationCommitted(decision.ProposalId, decision.Tool, result.Summary, preceding, now));
        }
        else
        {
            events.Add(new MutationFailed(decision.ProposalId, decision.Tool, result.Summary ?? cause, result.Status == ToolInvocationStatus.RateLimited, now));
        }

        var trustAfter = Trust.Update(state.ExecutorTrust, evidence);
        if (trustAfter != state.ExecutorTrust)
        {
            events.Add(new TrustAdjusted(TrustSubject.Executor, state.ExecutorTrust, trustAfter, cause, decision.ProposalId, now));
        }

        var gate = _trustGate.Check(trustAfter);
        if (!gate.Passed && state.Phase > AutonomyPhase.ObserveOnly)
        {
            events.Add(new ExecutorDemoted(state.Phase, trustAfter, gate.Reason + $" after {decision.Tool}: {cause}; demoted to observe-only", decision.ProposalId, now));
        }

        var completed = decision with { TrustAfter = trustAfter, Execution = new ToolExecution(status, result.Summary, now) };
        return new OutcomePlan(completed, events);
    }

    /// <summary>The gates a proposer can fail by proposing badly; evaluated lazily in order.</summary>
    private IEnumerable<GateResult> ProposerGates(Proposal proposal, DecisionContext context, ExecutorState state, DateTimeOffset now)
    {
        yield return _confidenceGate.Check(proposal.Confidence);
        yield return Tools.CheckTool(proposal.Tool);
        yield return Tools.Validate(proposal.Tool, proposal.Arguments);
        yield return StabilityGate.Check(AssessStability(state, context.Stability, now));
    }

    /// <summary>Analyst trust follows the soundness of the analyst's own proposals; other proposers leave it alone.</summary>
    private void AddAnalystEvidence(List<ExecutorEvent> events, ExecutorState state, Proposal proposal, TrustEvidence evidence, DateTimeOffset now)
    {
        if (!string.Equals(proposal.Proposer, Options.AnalystName, StringComparison.Ordinal))
        {
            return;
        }

        var after = Trust.Update(state.AnalystTrust, evidence);
        if (after != state.AnalystTrust)
        {
            var cause = evidence == TrustEvidence.Success ? "proposal passed every gate" : "proposal rejected by a gate";
            events.Add(new TrustAdjusted(TrustSubject.Analyst, state.AnalystTrust, after, cause, proposal.Id, now));
        }
    }
}
