using System.Text.Json;

namespace NerfEngine.Control.Registry;

/// <summary>
/// Everything the registry and its clients know about a tool (SPEC §6): the contract an agent reads at
/// boot and the rules the registry enforces on every call.
/// </summary>
/// <param name="Name">Contract name (snake_case, from SPEC §6).</param>
/// <param name="Description">What the tool does and when to use it, for the model.</param>
/// <param name="InputSchema">Published JSON schema of the arguments (an object schema).</param>
/// <param name="OutputSchema">Published JSON schema of <c>structuredContent</c>.</param>
/// <param name="Mutates">The tool changes engine state: counted against the agent's mutation budget.</param>
/// <param name="RequiredMode">Lowest agent mode that may see and call the tool.</param>
/// <param name="MinInterval">Minimum time between admitted calls; <see cref="TimeSpan.Zero"/> for none.</param>
/// <param name="RateLimitScope">Whether <paramref name="MinInterval"/> is per agent or node-wide.</param>
/// <param name="Hints">MCP annotations.</param>
/// <param name="Title">Human-readable title for clients.</param>
public sealed record ToolDescriptor(
    string Name,
    string Description,
    JsonElement InputSchema,
    JsonElement OutputSchema,
    bool Mutates,
    AgentMode RequiredMode,
    TimeSpan MinInterval,
    RateLimitScope RateLimitScope,
    ToolHints Hints,
    string Title)
{
    /// <summary>True when calls are spaced by a minimum interval.</summary>
    public bool IsRateLimited => MinInterval > TimeSpan.Zero;
}
