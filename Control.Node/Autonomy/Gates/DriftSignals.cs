namespace NerfEngine.Control.Autonomy.Gates;

/// <summary>Slow trends of the graph provided by the caller (later: the hypergraph metrics).</summary>
/// <param name="ReinforcementGini">Gini coefficient of reinforcement across edges, 0 (even) to 1 (all on one edge).</param>
/// <param name="LongTermEntropySlope">Trend of source entropy over hours, caller's unit per hour.</param>
public sealed record DriftSignals(double ReinforcementGini, double LongTermEntropySlope)
{
    /// <summary>No drift observed: what the executor assumes until the first signals arrive.</summary>
    public static DriftSignals None { get; } = new(0, 0);
}

/// <summary>The analyst's cumulative activity, reported by the analyst itself.</summary>
/// <param name="Analysed">Alerts analysed.</param>
/// <param name="Abstained">Alerts it declined to propose anything for.</param>
public sealed record AnalystActivity(long Analysed, long Abstained)
{
    /// <summary>Nothing analysed yet.</summary>
    public static AnalystActivity None { get; } = new(0, 0);

    /// <summary>Abstained / analysed; 0 before the first alert.</summary>
    public double AbstentionRate => Analysed == 0 ? 0 : (double)Abstained / Analysed;
}

/// <summary>Drift judged: the three status numbers and the warnings that go into every decision.</summary>
/// <param name="ReinforcementGini">As given.</param>
/// <param name="MutationConcentration">Herfindahl index of recent mutating tools (1 = one tool only; 0 with no samples).</param>
/// <param name="LongTermEntropySlope">As given.</param>
/// <param name="Warnings">Advisory warnings; never a reason to block.</param>
public sealed record DriftAssessment(
    double ReinforcementGini, double MutationConcentration, double LongTermEntropySlope, IReadOnlyList<string> Warnings);
