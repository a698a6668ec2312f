namespace NerfEngine.Control.Detection.Graph;

/// <summary>Which edges a scope keeps, by the endpoints' <see cref="NodeClass"/> or protocol.</summary>
public enum ScopeKind
{
    /// <summary>Every edge.</summary>
    All = 0,

    /// <summary>Both endpoints internal (east-west traffic).</summary>
    Internal = 1,

    /// <summary>At least one endpoint not internal (north-south traffic; unknown counts as external).</summary>
    External = 2,

    /// <summary>Edges of one IANA protocol (<see cref="ScopeFilter.Protocol"/>).</summary>
    Protocol = 3,
}

/// <summary>
/// A filtered view of the hypergraph. <see cref="EvaluateAtNs"/> null means "now" (the newest
/// event time the graph has seen); a past time scrubs the view back: only edges last seen at or
/// before it are visible, with weights decayed relative to it.
/// </summary>
/// <remarks>
/// The graph keeps the latest state of each edge, not its history, so an edge reinforced after the
/// scrub time is hidden rather than shown with its older weight.
/// </remarks>
public sealed record ScopeFilter
{
    /// <summary>Every edge, evaluated now.</summary>
    public static ScopeFilter Everything { get; } = new();

    /// <summary>Endpoint classification filter.</summary>
    public ScopeKind Kind { get; init; } = ScopeKind.All;

    /// <summary>IANA protocol number for <see cref="ScopeKind.Protocol"/>.</summary>
    public byte? Protocol { get; init; }

    /// <summary>Edges lighter than this (after decay) are hidden.</summary>
    public double MinWeight { get; init; }

    /// <summary>Evaluation time in Unix ns (event time); null = now.</summary>
    public long? EvaluateAtNs { get; init; }

    /// <summary>Errors in this filter, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Kind))
        {
            errors.Add($"kind: unknown value {Kind}.");
        }

        if (Kind == ScopeKind.Protocol && Protocol is null)
        {
            errors.Add("protocol: required when kind is Protocol.");
        }

        if (!(MinWeight >= 0) || double.IsInfinity(MinWeight))
        {
            errors.Add($"min_weight: {MinWeight} must be finite and ≥ 0.");
        }

        return errors;
    }
}
