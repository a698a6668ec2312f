namespace NerfEngine.Control.Detection.Graph;

/// <summary>
/// Named views of one hypergraph (subscribe_scope, set_scope_filter, scrub_scope_time,
/// list_active_scopes). A scope is only a filter: queries evaluate it against the live graph, so
/// defining one costs nothing per edge. Bounded so agents cannot create scopes without limit.
/// </summary>
public sealed class HypergraphScopes
{
    /// <summary>Most scopes kept at once.</summary>
    public const int MaxScopes = 64;

    private readonly Dictionary<string, ScopeFilter> _scopes = new(StringComparer.Ordinal);

    /// <summary>Scope names, sorted.</summary>
    public IReadOnlyList<string> Names => _scopes.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Creates or replaces a scope; throws with every problem listed when the filter is invalid.</summary>
    /// <exception cref="ArgumentException">Bad name, bad filter, or too many scopes.</exception>
    public void Define(string name, ScopeFilter filter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(filter);
        IReadOnlyList<string> errors = filter.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Scope '{name}' filter is invalid: {string.Join(" ", errors)}", nameof(filter));
        }

        if (!_scopes.ContainsKey(name) && _scopes.Count >= MaxScopes)
        {
            throw new ArgumentException($"At most {MaxScopes} scopes; remove one before defining '{name}'.", nameof(name));
        }

        _scopes[name] = filter;
    }

    /// <summary>Moves a scope's evaluation time (scrub_scope_time); null returns it to "now".</summary>
    /// <exception cref="KeyNotFoundException">No such scope.</exception>
    public ScopeFilter Scrub(string name, long? evaluateAtNs)
    {
        ScopeFilter scrubbed = Get(name) with { EvaluateAtNs = evaluateAtNs };
        _scopes[name] = scrubbed;
        return scrubbed;
    }

    /// <summary>The filter of a scope.</summary>
    /// <exception cref="KeyNotFoundException">No such scope.</exception>
    public ScopeFilter Get(string name) =>
        _scopes.TryGetValue(name, out ScopeFilter? filter) ? filter : throw new KeyNotFoundException($"No scope named '{name}'.");

    /// <summary>The filter of a scope, when it exists.</summary>
    public bool TryGet(string name, out ScopeFilter? filter) => _scopes.TryGetValue(name, out filter);

    /// <summary>Removes a scope; false when it did not exist.</summary>
    public bool Remove(string name) => _scopes.Remove(name);
}
