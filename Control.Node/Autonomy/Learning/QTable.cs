using System.Collections.Immutable;

namespace NerfEngine.Control.Autonomy.Learning;

/// <summary>
/// Q-values by state (the last K tools, joined) and action (the next tool). Immutable so it can live in the
/// executor's event-sourced state; each LearningUpdated event sets one value.
/// </summary>
/// <param name="Values">state → action → Q.</param>
public sealed record QTable(ImmutableDictionary<string, ImmutableDictionary<string, double>> Values)
{
    /// <summary>No values.</summary>
    public static QTable Empty { get; } = new(ImmutableDictionary<string, ImmutableDictionary<string, double>>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>Q(state, action); 0 for an unseen pair (optimism-free start).</summary>
    public double Get(string state, string action) =>
        Values.TryGetValue(state, out var actions) && actions.TryGetValue(action, out var q) ? q : 0;

    /// <summary>max over actions of Q(state, ·); 0 for an unseen state.</summary>
    public double MaxQ(string state) =>
        Values.TryGetValue(state, out var actions) && actions.Count > 0 ? actions.Values.Max() : 0;

    /// <summary>The best action in <paramref name="state"/> (ties: ordinal name, so it is deterministic), or null if unseen.</summary>
    public string? BestAction(string state)
    {
        if (!Values.TryGetValue(state, out var actions) || actions.Count == 0)
        {
            return null;
        }

        string? best = null;
        var bestQ = double.NegativeInfinity;
        foreach (var (action, q) in actions.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (q > bestQ)
            {
                best = action;
                bestQ = q;
            }
        }

        return best;
    }

    /// <summary>A copy with Q(state, action) = <paramref name="q"/>.</summary>
    public QTable With(string state, string action, double q)
    {
        var actions = Values.TryGetValue(state, out var existing)
            ? existing
            : ImmutableDictionary<string, double>.Empty.WithComparers(StringComparer.Ordinal);
        return new QTable(Values.SetItem(state, actions.SetItem(action, q)));
    }
}
