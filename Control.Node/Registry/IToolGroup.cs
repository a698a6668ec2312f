namespace NerfEngine.Control.Registry;

/// <summary>
/// A family of tools (one file per group: graph mutation, graph query, scopes, …). Groups are registered in
/// DI (<c>services.AddSingleton&lt;IToolGroup, MyTools&gt;()</c>) and collected by the <see cref="ToolRegistry"/>.
/// </summary>
public interface IToolGroup
{
    /// <summary>The group's tools; called once when the registry is built.</summary>
    IEnumerable<ToolDefinition> CreateTools();
}
