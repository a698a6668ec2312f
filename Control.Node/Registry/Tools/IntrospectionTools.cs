using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace NerfEngine.Control.Registry.Tools;

/// <summary>
/// Introspection (SPEC §6): the full contract of every tool the caller may use and the per-tool
/// metrics, so an agent can configure itself at boot. Always part of the registry.
/// </summary>
/// <remarks>
/// <c>list_tools_schema</c> shows what tools/list shows (tools the agent's mode permits) plus what
/// tools/list cannot carry: mutates flag, required mode, minimum interval and its scope, and the
/// caller's remaining mutation budget. <c>get_tool_metrics</c> covers every tool.
/// </remarks>
internal sealed class IntrospectionTools(ToolRegistry registry) : IToolGroup
{
    public IEnumerable<ToolDefinition> CreateTools()
    {
        yield return ToolDefinition.Query<ToolFilterInput, ToolsSchemaOutput>(
                "list_tools_schema", "List tool schemas",
                "Full contract of every tool you may call: input and output JSON schemas, mutates flag, required mode, " +
                "minimum interval between calls and its scope, annotations; plus your mode and remaining mutation budget.",
                ListSchemas)
            .WithCheck(CheckTool)
            .WithSummary(o => $"tools={o.Tools.Count}, agent={o.Agent.Name}");

        yield return ToolDefinition.Query<ToolFilterInput, ToolMetricsOutput>(
                "get_tool_metrics", "Tool metrics",
                "Per-tool counters since the node started: invocations, errors, rate-limit hits, mutations, budget refusals, " +
                "invalid arguments, withheld outputs, mean duration; plus audit journal counters.",
                Metrics)
            .WithCheck(CheckTool)
            .WithSummary(o => $"tools={o.Tools.Count}, audit_written={o.Audit.Written}");
    }

    private IReadOnlyList<string> CheckTool(ToolFilterInput input, ToolCall call) =>
        input.Tool is { } name && !registry.TryGetDescriptor(name, out _)
            ? [$"tool: no tool is named '{name}'"]
            : [];

    private ToolsSchemaOutput ListSchemas(ToolFilterInput input, ToolCall call)
    {
        var agent = call.Agent;
        var tools = registry.VisibleTo(agent)
            .Where(d => input.Tool is null || d.Name == input.Tool)
            .Select(d => new ToolSchemaEntry(
                d.Name, d.Title, d.Description, d.InputSchema, d.OutputSchema, d.Mutates, d.RequiredMode,
                (long)d.MinInterval.TotalMilliseconds, d.RateLimitScope,
                new ToolAnnotationsEntry(d.Hints.ReadOnly, d.Hints.Destructive, d.Hints.Idempotent, d.Hints.OpenWorld)))
            .ToList();
        var self = new AgentEntry(agent.Name, agent.Mode, agent.MutationBudgetPerHour, registry.Admission.MutationsRemaining(agent));
        return new ToolsSchemaOutput(self, (long)registry.Options.MutationWindow.TotalMilliseconds, tools);
    }

    private ToolMetricsOutput Metrics(ToolFilterInput input, ToolCall call)
    {
        var tools = registry.Metrics
            .Where(m => input.Tool is null || m.Key == input.Tool)
            .OrderBy(m => m.Key, StringComparer.Ordinal)
            .Select(m => new ToolMetricsEntry(
                m.Key, m.Value.Invocations, m.Value.Errors, m.Value.RateLimited, m.Value.Mutations, m.Value.BudgetExceeded,
                m.Value.InvalidArguments, m.Value.OutputInvalid, Math.Round(m.Value.MeanDurationMs, 3)))
            .ToList();
        var audit = registry.Audit;
        return new ToolMetricsOutput(tools, new AuditCounters(audit.PersistenceId, audit.Written, audit.Failed, audit.Pending));
    }
}

/// <summary>Optional restriction to one tool.</summary>
public sealed record ToolFilterInput(
    [property: Description("Only this tool (default: all)."), MaxLength(128)] string? Tool = null);

/// <summary>The caller as the registry sees it.</summary>
public sealed record AgentEntry(string Name, AgentMode Mode, int MutationBudgetPerHour, int MutationsRemaining);

/// <summary>MCP annotations of a tool.</summary>
public sealed record ToolAnnotationsEntry(bool ReadOnly, bool Destructive, bool Idempotent, bool OpenWorld);

/// <summary>One tool's full contract.</summary>
public sealed record ToolSchemaEntry(
    string Name,
    string Title,
    string Description,
    [property: Description("JSON schema of the arguments.")] JsonElement InputSchema,
    [property: Description("JSON schema of structuredContent.")] JsonElement OutputSchema,
    bool Mutates,
    AgentMode RequiredMode,
    [property: Description("Minimum milliseconds between admitted calls (0: unlimited).")] long MinIntervalMs,
    RateLimitScope RateLimitScope,
    ToolAnnotationsEntry Annotations);

/// <summary>list_tools_schema result.</summary>
public sealed record ToolsSchemaOutput(
    AgentEntry Agent,
    [property: Description("Sliding window of the mutation budget, in milliseconds.")] long MutationWindowMs,
    IReadOnlyList<ToolSchemaEntry> Tools);

/// <summary>One tool's counters.</summary>
public sealed record ToolMetricsEntry(
    string Name, long Invocations, long Errors, long RateLimited, long Mutations, long BudgetExceeded,
    long InvalidArguments, long OutputInvalid, double MeanDurationMs);

/// <summary>Audit journal counters.</summary>
public sealed record AuditCounters(string PersistenceId, long Written, long Failed, long Pending);

/// <summary>get_tool_metrics result.</summary>
public sealed record ToolMetricsOutput(IReadOnlyList<ToolMetricsEntry> Tools, AuditCounters Audit);
