namespace NerfEngine.Control.Autonomy.Gates;

/// <summary>
/// The graph's recent movement, provided by the caller (later: the hypergraph metrics collector, once per window).
/// The executor adds its own recent mutations to <see cref="ExternalMutations"/> when judging oscillation.
/// </summary>
/// <param name="EntropyDelta">Change of source entropy since the previous window (either sign).</param>
/// <param name="EdgeWeightVariance">Variance of edge weights in the window.</param>
/// <param name="ExternalMutations">Mutations by others (operators, agents) inside the oscillation window.</param>
public sealed record StabilitySignals(double EntropyDelta, double EdgeWeightVariance, int ExternalMutations = 0)
{
    /// <summary>No movement: what the executor assumes until the first signals arrive.</summary>
    public static StabilitySignals Calm { get; } = new(0, 0);
}

/// <summary>Stability judged from the signals plus the executor's own mutation rate.</summary>
/// <param name="IsStable">No reason below applies.</param>
/// <param name="IsOscillating">Too many mutations inside the oscillation window.</param>
/// <param name="MutationsInWindow">Mutations counted (own + external).</param>
/// <param name="EntropyDelta">As given.</param>
/// <param name="EdgeWeightVariance">As given.</param>
/// <param name="Reasons">What makes it unstable; empty when stable.</param>
public sealed record StabilityAssessment(
    bool IsStable, bool IsOscillating, int MutationsInWindow, double EntropyDelta, double EdgeWeightVariance, IReadOnlyList<string> Reasons)
{
    /// <summary>The reasons in one line, for rejections and journal events.</summary>
    public string Describe() => IsStable ? "stable" : string.Join("; ", Reasons);
}
