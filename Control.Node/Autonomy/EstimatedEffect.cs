namespace NerfEngine.Control.Autonomy;

/// <summary>
/// What a mutation would do, estimated from its arguments alone (the shadow phase must not touch the graph to find
/// out). Reversibility is what an operator needs most before promoting: pruning cannot be undone, reinforcement decays.
/// </summary>
/// <param name="Summary">One sentence, e.g. "adds weight 1 to edge e-42".</param>
/// <param name="Reversibility">One of <see cref="EffectReversibility"/>.</param>
public sealed record EstimatedEffect(string Summary, string Reversibility);

/// <summary>How a mutation can be undone.</summary>
public static class EffectReversibility
{
    /// <summary>Undone by another call (e.g. setting lambda back).</summary>
    public const string Reversible = "reversible";

    /// <summary>Fades on its own through decay.</summary>
    public const string Decays = "decays";

    /// <summary>Cannot be undone (edges or queued events are gone).</summary>
    public const string Irreversible = "irreversible";
}
