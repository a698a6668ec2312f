namespace NerfEngine.Control.Copilot.FlowScoring;

/// <summary>The model's judgement of one flow, validated: <see cref="Score"/> in [0, 1], a configured label, a rationale.</summary>
/// <param name="Score">Threat likelihood in [0, 1].</param>
/// <param name="Label">One of <see cref="FlowScoringOptions.Labels"/>, lower case.</param>
/// <param name="Rationale">Why, in the model's words (bounded by <see cref="FlowScoringOptions.MaxRationaleChars"/>).</param>
/// <param name="Model">Model that answered.</param>
/// <param name="ScoredAt">When the answer arrived (wall clock).</param>
/// <param name="Latency">Time the model took.</param>
public sealed record FlowScore(double Score, string Label, string Rationale, string Model, DateTimeOffset ScoredAt, TimeSpan Latency);

/// <summary>The model answered, but not with a valid score (not JSON, score missing or outside [0, 1], unknown label).</summary>
public sealed class InvalidModelOutputException(string reason) : Exception("invalid model output: " + reason)
{
    /// <summary>The reason without the prefix.</summary>
    public string Reason { get; } = reason;
}
