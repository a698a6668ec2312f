namespace NerfEngine.Control.Registry;

/// <summary>
/// The MCP tool annotations every tool publishes. They are hints for clients (the registry enforces
/// modes and budgets itself), so each tool states all four explicitly rather than relying on MCP's
/// pessimistic defaults.
/// </summary>
/// <param name="ReadOnly">The tool changes nothing.</param>
/// <param name="Destructive">The tool may remove or overwrite state (prune, clear); meaningful when not read-only.</param>
/// <param name="Idempotent">Repeating the call with the same arguments has no further effect.</param>
/// <param name="OpenWorld">The tool reaches outside the node (files, remote streams).</param>
public sealed record ToolHints(bool ReadOnly, bool Destructive, bool Idempotent, bool OpenWorld)
{
    /// <summary>A query: reads only, repeatable, closed world.</summary>
    public static ToolHints Query { get; } = new(ReadOnly: true, Destructive: false, Idempotent: true, OpenWorld: false);
}
