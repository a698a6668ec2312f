using NerfEngine.Control.Autonomy.Execution;
using NerfEngine.Control.Autonomy.Gates;
using NerfEngine.Control.Autonomy.Ledger;

namespace NerfEngine.Control.Autonomy.Status;

/// <summary>Builds the status document from the durable state and the latest signals.</summary>
public static class AutonomyStatusBuilder
{
    /// <summary>The status now.</summary>
    public static AutonomyStatus Build(DecisionEngine engine, ExecutorState state, DecisionContext context, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        StabilityAssessment stability = engine.AssessStability(state, context.Stability, now);
        DriftAssessment drift = engine.AssessDrift(state, context.Drift, context.Analyst);
        return new AutonomyStatus(
            (int)state.Phase,
            new AnalystStatus(AutonomyModes.Observe, state.AnalystTrust),
            new ExecutorStatus(state.Phase.ExecutorMode(), state.ExecutorTrust, engine.BudgetCapacity(state), state.IsDemoted),
            new StabilityStatus(stability.IsStable, stability.IsOscillating, stability.EntropyDelta, stability.EdgeWeightVariance),
            new DriftStatus(drift.ReinforcementGini, drift.MutationConcentration, drift.LongTermEntropySlope),
            new LearningStatus(engine.Learner.IsEnabled(state.Phase, state.StableSamples), state.Trajectories));
    }
}
