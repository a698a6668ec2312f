using System.Globalization;
using NerfEngine.Control.Autonomy.Gates;
using NerfEngine.Control.Autonomy.Governance;
using NerfEngine.Control.Autonomy.Ledger;

namespace NerfEngine.Control.Autonomy.Execution;

/// <summary>Phase moves: stability transitions with automatic rollback, and the operator's phase command.</summary>
public sealed partial class DecisionEngine
{
    /// <summary>
    /// Events for a fresh stability <paramref name="assessment"/>: a StabilityChanged on a flip, and a rollback to
    /// phase − 1 once the executor has been unstable for more than the rollback delay. Empty when nothing changes.
    /// </summary>
    public IReadOnlyList<ExecutorEvent> ObserveStability(ExecutorState state, StabilityAssessment assessment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(assessment);
        var events = new List<ExecutorEvent>(2);
        var unstableSince = state.UnstableSince;
        if (assessment.IsStable != state.IsStable)
        {
            events.Add(new StabilityChanged(assessment.IsStable, assessment.Describe(), now));
            unstableSince = assessment.IsStable ? null : now;
        }

        if (Phases.IsRollbackDue(state.Phase, unstableSince, now))
        {
            var lower = PhaseController.Lower(state.Phase);
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"unstable for {(now - unstableSince!.Value).TotalSeconds:0.###} s, more than {Options.RollbackAfterUnstable.TotalSeconds:0.###} s: {assessment.Describe()}");
            events.Add(new PhaseChanged(state.Phase, lower, PhaseChangeCause.StabilityRollback, ExecutorName, reason, now));
        }

        return events;
    }

    /// <summary>
    /// For an executor with an empty journal (<paramref name="lastSequenceNr"/> 0) configured to start above
    /// observe-only: the PhaseChanged that records it, so a replay of the journal alone shows the phase every decision
    /// was made in. Empty otherwise (a recovered executor's phase comes from its events, not from configuration).
    /// </summary>
    public IReadOnlyList<ExecutorEvent> RecordInitialPhase(long lastSequenceNr, DateTimeOffset now)
    {
        if (lastSequenceNr != 0 || Options.InitialPhase == AutonomyPhase.ObserveOnly)
        {
            return [];
        }

        var reason = string.Create(CultureInfo.InvariantCulture,
            $"fresh journal: started in the configured phase {(int)Options.InitialPhase} ({Options.InitialPhase.ToWireName()}), Autonomy:InitialPhase");
        return [new PhaseChanged(AutonomyPhase.ObserveOnly, Options.InitialPhase, PhaseChangeCause.Configuration, ExecutorName, reason, now)];
    }

    /// <summary>
    /// An operator's phase command. Refusals persist nothing. <paramref name="resetTrust"/> restarts executor trust at
    /// its initial value (the way back after a demotion: trust cannot grow while nothing executes).
    /// </summary>
    public (PhaseChangeResult Reply, IReadOnlyList<ExecutorEvent> Events) ChangePhase(
        ExecutorState state, AutonomyPhase target, string by, string reason, bool resetTrust, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var check = Phases.CheckChange(state.Phase, target, state.ExecutorTrust, resetTrust);
        if (!check.Allowed)
        {
            return (new PhaseChangeResult(false, state.Phase, check.Reason), []);
        }

        var who = string.IsNullOrWhiteSpace(by) ? "operator" : by;
        var events = new List<ExecutorEvent>(2);
        if (resetTrust && state.ExecutorTrust != Trust.Initial)
        {
            events.Add(new TrustAdjusted(TrustSubject.Executor, state.ExecutorTrust, Trust.Initial, $"reset by {who}", null, now));
        }

        events.Add(new PhaseChanged(state.Phase, target, PhaseChangeCause.Operator, who, reason ?? string.Empty, now));
        var message = string.Create(CultureInfo.InvariantCulture,
            $"phase {(int)state.Phase} ({state.Phase.ToWireName()}) → {(int)target} ({target.ToWireName()}) by {who}");
        return (new PhaseChangeResult(true, target, message), events);
    }
}
