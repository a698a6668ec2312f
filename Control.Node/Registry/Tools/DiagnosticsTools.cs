using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using NerfEngine.Control.Detection.Detectors;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Control.Engine;
using NerfEngine.Control.Registry.Schemas;
using NerfEngine.Shared.Fabric.Metrics;

namespace NerfEngine.Control.Registry.Tools;

/// <summary>
/// Diagnostics (SPEC §6): engine and socket metrics, the decay configuration and its one run-time knob (λ), and
/// detection rule reloads that validate the candidate before swapping it in (a rejected candidate changes nothing).
/// </summary>
public sealed class DiagnosticsTools(GraphEngine engine, EngineOptions engineOptions, NerfMetrics metrics, IConfiguration configuration, GraphToolOptions limits) : IToolGroup
{
    /// <summary>Configuration section reload_rules re-reads when no thresholds are given.</summary>
    public const string RulesSection = "Detection";

    public IEnumerable<ToolDefinition> CreateTools()
    {
        yield return ToolDefinition.Query<NoArguments, EngineMetricsOutput>(
                "get_engine_metrics", "Engine metrics",
                "Graph size and maintenance counters, ingest counters, node directory size and autopilot outcome counters.",
                EngineMetrics)
            .WithSummary(o => $"nodes={o.Graph.Nodes}, edges={o.Graph.Edges}, batches={o.Ingest.Batches}");

        yield return ToolDefinition.Query<NoArguments, DecayConfigOutput>(
                "get_decay_config", "Decay configuration",
                "Current decay rate λ (per second) and half-life, prune weight, edge capacity and reinforcement mode.",
                DecayConfig);

        yield return ToolDefinition.Mutation<SetLambdaInput, SetLambdaOutput>(
                "set_decay_lambda", "Set decay lambda",
                "Changes the decay rate λ (per second) from the graph's current event time on; weights decayed before keep the old rate.",
                SetLambda)
            .WithMinInterval(TimeSpan.FromSeconds(1))
            .WithCheck(CheckLambda)
            .WithHints(new ToolHints(ReadOnly: false, Destructive: false, Idempotent: true, OpenWorld: false))
            .WithEffectEstimate(i => string.Create(CultureInfo.InvariantCulture, $"sets the decay rate to {i.Lambda} per second"))
            .WithSummary(o => string.Create(CultureInfo.InvariantCulture, $"lambda {o.PreviousLambda}→{o.Lambda}"));

        yield return ToolDefinition.Query<NoArguments, SocketMetricsOutput>(
                "get_socket_metrics", "Socket metrics",
                "Capture socket, publishing and transport counters of this node (packets, kernel drops, parse errors, batches).",
                SocketMetrics)
            .WithSummary(o => $"metrics={o.Metrics.Count}");

        yield return ToolDefinition.Mutation<ReloadRulesInput, ReloadRulesOutput>(
                "reload_rules", "Reload detection rules",
                "Validates new detection thresholds and swaps them in only if every check passes. 'thresholds' overrides named " +
                "fields of the current rules (snake_case names as get returns them; durations as \"hh:mm:ss.fff\"); without it the " +
                "node's Detection configuration is re-read.",
                ReloadRules)
            .WithMode(AgentMode.Admin)
            .WithMinInterval(TimeSpan.FromSeconds(5), RateLimitScope.Global)
            .WithHints(new ToolHints(ReadOnly: false, Destructive: false, Idempotent: true, OpenWorld: false))
            .WithEffectEstimate(i => i.Thresholds is { Count: > 0 } t ? $"replaces detection rules {string.Join(", ", t.Keys)}" : "re-reads detection rules from configuration")
            .WithSummary(o => $"reloaded={o.Reloaded}, version={o.Version}, changed={o.Changed.Count}");
    }

    private IReadOnlyList<string> CheckLambda(SetLambdaInput input, ToolCall call) =>
        input.Lambda > limits.MaxDecayLambda
            ? [string.Create(CultureInfo.InvariantCulture, $"lambda: {input.Lambda} is above the node's limit {limits.MaxDecayLambda} (Registry:Graph:MaxDecayLambda)")]
            : [];

    private async ValueTask<EngineMetricsOutput> EngineMetrics(NoArguments input, ToolCall call, CancellationToken ct) =>
        await engine.QueryAsync(core =>
        {
            var s = core.Graph.Stats;
            var c = core.Counters;
            var a = core.Sentinel.Counters;
            return new EngineMetricsOutput(
                new GraphStatsEntry(s.Nodes, s.Edges, s.Reinforcements, s.Evictions, s.Pruned, s.EvictionSweeps, s.DecayLambdaPerSecond, GraphViews.Time(s.NowNs)),
                new IngestStatsEntry(c.Batches, c.Edges, c.DuplicateBatches, c.MalformedBatches, GraphViews.Time(core.NowNs)),
                new DirectoryStatsEntry(core.Directory.Count, core.Directory.Refused),
                new AutopilotCountersEntry(a.Received, a.Discarded, a.Observed, a.Suggested, a.Alerted, a.Autonomous, a.Deduplicated, a.CooledDown, a.InvestigatorErrors),
                core.Thresholds.Version);
        }, ct).ConfigureAwait(false);

    private async ValueTask<DecayConfigOutput> DecayConfig(NoArguments input, ToolCall call, CancellationToken ct)
    {
        var lambda = await engine.QueryAsync(core => core.Graph.DecayLambdaPerSecond, ct).ConfigureAwait(false);
        var g = engineOptions.Graph;
        return new DecayConfigOutput(lambda, lambda > 0 ? Math.Log(2) / lambda : null, g.DecayLambdaPerSecond, g.PruneBelowWeight, g.MaxEdges,
            g.EvictionLowWaterFraction, g.Reinforcement == ReinforcementMode.Packets ? "packets" : "per_record", limits.MaxDecayLambda);
    }

    private async ValueTask<SetLambdaOutput> SetLambda(SetLambdaInput input, ToolCall call, CancellationToken ct) =>
        await engine.QueryAsync(core =>
        {
            var previous = core.Graph.DecayLambdaPerSecond;
            core.Graph.SetDecayLambda(input.Lambda);
            return new SetLambdaOutput(previous, core.Graph.DecayLambdaPerSecond, GraphViews.Time(core.Graph.NowNs));
        }, ct).ConfigureAwait(false);

    private ValueTask<SocketMetricsOutput> SocketMetrics(NoArguments input, ToolCall call, CancellationToken ct)
    {
        var rows = metrics.Snapshot()
            .Where(m => limits.SocketMetricPrefixes.Any(p => m.Key.StartsWith(p, StringComparison.Ordinal)))
            .SelectMany(m => m.Value.Select(s => new MetricEntry(
                m.Key, s.Value, (s.Labels ?? []).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal))))
            .ToList();
        return ValueTask.FromResult(new SocketMetricsOutput(rows, rows.Count == 0 ? "no capture sockets run in this process" : null));
    }

    private async ValueTask<ReloadRulesOutput> ReloadRules(ReloadRulesInput input, ToolCall call, CancellationToken ct)
    {
        var current = await engine.QueryAsync(core => core.Thresholds.Current, ct).ConfigureAwait(false);
        var (candidate, source) = input.Thresholds is { Count: > 0 } overrides
            ? (Merge(current, overrides), "inline")
            : (configuration.GetSection(RulesSection).Get<DetectionThresholds>() ?? new DetectionThresholds(), "configuration");
        var changed = Changed(current, candidate);
        return await engine.QueryAsync(core =>
        {
            if (!core.Thresholds.TryReload(candidate, out var errors))
            {
                throw new ToolFailureException(ToolErrorCodes.Conflict,
                    $"The new rules failed validation ({errors.Count} problem{(errors.Count == 1 ? string.Empty : "s")}); the current rules stay in force.", details: errors, noEffect: true);
            }

            return new ReloadRulesOutput(true, core.Thresholds.Version, source, changed);
        }, ct).ConfigureAwait(false);
    }

    /// <summary>The current rules with the named fields replaced; unknown names and unreadable values are argument errors.</summary>
    private static DetectionThresholds Merge(DetectionThresholds current, IReadOnlyDictionary<string, JsonElement> overrides)
    {
        var node = JsonSerializer.SerializeToNode(current, ToolJson.Options)!.AsObject();
        var unknown = overrides.Keys.Where(k => !node.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ToolFailureException(ToolErrorCodes.InvalidArguments,
                $"Unknown rule name(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", node.Select(p => p.Key))}.",
                details: unknown.Select(u => $"thresholds.{u}: no such rule").ToList(), noEffect: true);
        }

        foreach (var (name, value) in overrides)
        {
            node[name] = JsonNode.Parse(value.GetRawText());
        }

        try
        {
            return node.Deserialize<DetectionThresholds>(ToolJson.Options) ?? current;
        }
        catch (JsonException ex)
        {
            throw new ToolFailureException(ToolErrorCodes.InvalidArguments, $"thresholds.{ex.Path?.TrimStart('$', '.')}: {ex.Message.Split(" Path:")[0]}",
                details: [$"thresholds.{ex.Path?.TrimStart('$', '.')}: unreadable value"], noEffect: true);
        }
    }

    private static List<string> Changed(DetectionThresholds before, DetectionThresholds after)
    {
        var a = JsonSerializer.SerializeToNode(before, ToolJson.Options)!.AsObject();
        var b = JsonSerializer.SerializeToNode(after, ToolJson.Options)!.AsObject();
        return a.Where(p => !JsonNode.DeepEquals(p.Value, b[p.Key])).Select(p => p.Key).ToList();
    }
}

public sealed record GraphStatsEntry(int Nodes, int Edges, long Reinforcements, long Evictions, long Pruned, long EvictionSweeps, double DecayLambdaPerSecond, DateTimeOffset? Now);

public sealed record IngestStatsEntry(long Batches, long Edges, long DuplicateBatches, long MalformedBatches, DateTimeOffset? NewestEvent);

public sealed record DirectoryStatsEntry(int Nodes, long Refused);

public sealed record AutopilotCountersEntry(
    long Received, long Discarded, long Observed, long Suggested, long Alerted, long Autonomous, long Deduplicated, long CooledDown, long InvestigatorErrors);

public sealed record EngineMetricsOutput(GraphStatsEntry Graph, IngestStatsEntry Ingest, DirectoryStatsEntry Directory, AutopilotCountersEntry Autopilot, long RulesVersion);

public sealed record DecayConfigOutput(
    [property: Description("Current λ per second.")] double LambdaPerSecond,
    [property: Description("ln 2 / λ; null when λ is 0 (no decay).")] double? HalfLifeSeconds,
    [property: Description("λ the node started with.")] double ConfiguredLambdaPerSecond,
    double PruneBelowWeight,
    int MaxEdges,
    double EvictionLowWaterFraction,
    [property: Description("per_record or packets.")] string Reinforcement,
    double MaxSettableLambda);

public sealed record SetLambdaInput(
    [property: Description("New decay rate per second (≥ 0; 0 disables decay)."), Range(0, 1e6)] double Lambda);

public sealed record SetLambdaOutput(double PreviousLambda, double Lambda, DateTimeOffset? EffectiveFrom);

public sealed record MetricEntry(string Name, double Value, IReadOnlyDictionary<string, string> Labels);

public sealed record SocketMetricsOutput(IReadOnlyList<MetricEntry> Metrics, string? Note);

public sealed record ReloadRulesInput(
    [property: Description("Rule fields to change (snake_case, as in DetectionThresholds); omit to re-read configuration.")]
    IReadOnlyDictionary<string, JsonElement>? Thresholds = null);

public sealed record ReloadRulesOutput(bool Reloaded, long Version, [property: Description("inline or configuration.")] string Source, IReadOnlyList<string> Changed);
