using NerfEngine.Control.Registry.Audit;
using NerfEngine.Shared.Fabric.Metrics;

namespace NerfEngine.Control.Registry;

/// <summary>Registers the registry's counters with <see cref="NerfMetrics"/> (labelled by tool), read on scrape.</summary>
internal static class RegistryMetrics
{
    public static void Register(NerfMetrics metrics, IReadOnlyDictionary<string, ToolMetrics> tools, AuditTrail audit)
    {
        Per(metrics, tools, "nerf_registry_tool_invocations_total", "Tool calls received, admitted or not.", m => m.Invocations);
        Per(metrics, tools, "nerf_registry_tool_errors_total", "Tool calls that did not succeed.", m => m.Errors);
        Per(metrics, tools, "nerf_registry_tool_rate_limited_total", "Tool calls refused by the minimum interval.", m => m.RateLimited);
        Per(metrics, tools, "nerf_registry_tool_mutations_total", "Admitted mutating tool calls.", m => m.Mutations);
        Per(metrics, tools, "nerf_registry_tool_budget_exceeded_total", "Tool calls refused by a spent mutation budget.", m => m.BudgetExceeded);
        Per(metrics, tools, "nerf_registry_tool_invalid_arguments_total", "Tool calls refused for invalid arguments.", m => m.InvalidArguments);
        Per(metrics, tools, "nerf_registry_tool_output_invalid_total", "Tool results withheld because they failed the output schema.", m => m.OutputInvalid);
        metrics.Register("nerf_registry_audit_written_total", MetricKind.Counter, "Audit records appended to the journal.", () => audit.Written);
        metrics.Register("nerf_registry_audit_failed_total", MetricKind.Counter, "Audit records that could not be appended.", () => audit.Failed);
        metrics.Register("nerf_registry_audit_pending", MetricKind.Gauge, "Audit records waiting for the journal.", () => audit.Pending);
    }

    private static void Per(NerfMetrics metrics, IReadOnlyDictionary<string, ToolMetrics> tools, string name, string help, Func<ToolMetrics, long> read) =>
        metrics.Register(name, MetricKind.Counter, help, () => tools.Select(t => new MetricSample(read(t.Value), [new("tool", t.Key)])));
}
