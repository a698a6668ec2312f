using System.Globalization;

namespace NerfEngine.Control.Autonomy.Gates;

/// <summary>
/// Rejects mutations while the graph is unstable: oscillating (3+ mutations in 60 s), entropy moving by more than
/// 0.2, or edge-weight variance above 0.15. Mutating a moving graph makes cause and effect unreadable.
/// The same assessment drives the phase rollback.
/// </summary>
public sealed class StabilityGate(AutonomyOptions options)
{
    /// <summary>Judges <paramref name="signals"/> with <paramref name="ownMutationsInWindow"/> mutations of the executor itself.</summary>
    /// <remarks>|entropy delta| is used: a collapse is as unstable as a jump. Equal to a limit is still stable.</remarks>
    public StabilityAssessment Assess(StabilitySignals signals, int ownMutationsInWindow)
    {
        ArgumentNullException.ThrowIfNull(signals);
        var reasons = new List<string>(3);
        var mutations = ownMutationsInWindow + Math.Max(0, signals.ExternalMutations);
        var oscillating = mutations >= options.OscillationMutations;
        if (oscillating)
        {
            reasons.Add(Format($"oscillating: {mutations} mutations in the last {options.OscillationWindow.TotalSeconds:0} s (limit {options.OscillationMutations - 1})"));
        }

        if (!(Math.Abs(signals.EntropyDelta) <= options.MaxEntropyDelta))
        {
            reasons.Add(Format($"entropy delta {signals.EntropyDelta:0.####} exceeds {options.MaxEntropyDelta:0.####}"));
        }

        if (!(signals.EdgeWeightVariance <= options.MaxEdgeWeightVariance))
        {
            reasons.Add(Format($"edge weight variance {signals.EdgeWeightVariance:0.####} exceeds {options.MaxEdgeWeightVariance:0.####}"));
        }

        return new StabilityAssessment(reasons.Count == 0, oscillating, mutations, signals.EntropyDelta, signals.EdgeWeightVariance, reasons);
    }

    /// <summary>The gate: passes only when <paramref name="assessment"/> is stable.</summary>
    public static GateResult Check(StabilityAssessment assessment) =>
        assessment.IsStable ? GateResult.Pass(GateNames.Stability) : GateResult.Fail(GateNames.Stability, assessment.Describe());

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
