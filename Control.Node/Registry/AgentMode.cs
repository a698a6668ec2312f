namespace NerfEngine.Control.Registry;

/// <summary>
/// What an agent may do, ordered: each mode includes the ones below it. The order is the contract
/// (<c>observe &lt; mutate &lt; admin</c>), so comparisons use the numeric values.
/// </summary>
public enum AgentMode
{
    /// <summary>Read-only tools: queries, diagnostics, introspection.</summary>
    Observe = 0,

    /// <summary>Also tools that change the graph (decay, reinforce, prune, ingest).</summary>
    Mutate = 1,

    /// <summary>Also tools that change how the node runs (decay lambda, rules, autonomy phase).</summary>
    Admin = 2,
}

/// <summary>Wire names of <see cref="AgentMode"/> (configuration and JSON use lower case).</summary>
public static class AgentModes
{
    /// <summary>The wire name: observe, mutate, admin.</summary>
    public static string ToWireName(this AgentMode mode) => mode switch
    {
        AgentMode.Observe => "observe",
        AgentMode.Mutate => "mutate",
        AgentMode.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown agent mode."),
    };

    /// <summary>Parses a wire name (case-insensitive); throws naming the accepted values.</summary>
    public static AgentMode Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "observe" => AgentMode.Observe,
        "mutate" => AgentMode.Mutate,
        "admin" => AgentMode.Admin,
        _ => throw new FormatException($"Agent mode '{text}' is not one of observe, mutate, admin."),
    };

    /// <summary>True when an agent in <paramref name="agent"/> mode may call a tool requiring <paramref name="required"/>.</summary>
    public static bool Permits(this AgentMode agent, AgentMode required) => agent >= required;
}
