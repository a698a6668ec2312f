namespace NerfEngine.Control.Autonomy.Status;

/// <summary>
/// The status document, field for field as SPEC §7 lists it. Serialise with <see cref="AutonomyJson.Options"/>
/// for the snake_case wire shape (<c>{"phase":2,"analyst":{"mode":"observe","trust":0.5},…}</c>).
/// </summary>
/// <param name="Phase">0 observe-only, 1 shadow, 2 limited mutation, 3 adaptive.</param>
/// <param name="Analyst">The proposing side.</param>
/// <param name="Executor">The deciding side.</param>
/// <param name="Stability">Stability now.</param>
/// <param name="Drift">Drift now (advisory).</param>
/// <param name="Learning">Sequence learning.</param>
public sealed record AutonomyStatus(
    int Phase, AnalystStatus Analyst, ExecutorStatus Executor, StabilityStatus Stability, DriftStatus Drift, LearningStatus Learning);

/// <summary>analyst {mode, trust}.</summary>
/// <param name="Mode">Always "observe": the analyst can never execute.</param>
/// <param name="Trust">Analyst trust in [0, 1].</param>
public sealed record AnalystStatus(string Mode, double Trust);

/// <summary>executor {mode, trust, adaptive budget, demoted}.</summary>
/// <param name="Mode">observe | shadow | mutate, from the phase.</param>
/// <param name="Trust">Executor trust in [0, 1].</param>
/// <param name="AdaptiveBudget">Mutations per hour the current phase allows (phase 3: base × trust, clamped).</param>
/// <param name="Demoted">True after a trust demotion until an operator promotes again.</param>
public sealed record ExecutorStatus(string Mode, double Trust, int AdaptiveBudget, bool Demoted);

/// <summary>stability {is_stable, is_oscillating, entropy_delta, edge_weight_variance}.</summary>
/// <param name="IsStable">No stability gate would reject now.</param>
/// <param name="IsOscillating">Too many mutations in the oscillation window.</param>
/// <param name="EntropyDelta">Latest entropy delta.</param>
/// <param name="EdgeWeightVariance">Latest edge-weight variance.</param>
public sealed record StabilityStatus(bool IsStable, bool IsOscillating, double EntropyDelta, double EdgeWeightVariance);

/// <summary>drift {reinforcement_gini, mutation_concentration, long_term_entropy_slope}.</summary>
/// <param name="ReinforcementGini">Latest reinforcement Gini.</param>
/// <param name="MutationConcentration">Herfindahl index of recent mutating tools.</param>
/// <param name="LongTermEntropySlope">Latest long-term entropy slope.</param>
public sealed record DriftStatus(double ReinforcementGini, double MutationConcentration, double LongTermEntropySlope);

/// <summary>learning {enabled, trajectories}.</summary>
/// <param name="Enabled">Phase 3 and 20+ stable samples.</param>
/// <param name="Trajectories">Samples learned from.</param>
public sealed record LearningStatus(bool Enabled, long Trajectories);
