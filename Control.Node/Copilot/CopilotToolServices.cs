using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NerfEngine.Control.Copilot.Dsl;
using NerfEngine.Control.Copilot.FlowScoring;
using NerfEngine.Control.Copilot.Ollama;
using NerfEngine.Control.Registry;
using NerfEngine.Control.Registry.Tools;
using NerfEngine.Shared.Fabric.Metrics;

namespace NerfEngine.Control.Copilot;

/// <summary>
/// The copilot's MCP tools and what they need beyond the copilot itself (which <c>AddEmbeddedEngine</c> registers):
/// DSL sessions (<c>Registry:Copilot</c>), the flow scorer, its status probe and the score table (<c>FlowScoring</c>).
/// Called from <c>AddNerfMcp</c>.
/// </summary>
public static class CopilotToolServices
{
    private const string ScoringClient = "flow-scoring";
    private const string ProbeClient = "flow-scoring-probe";

    /// <summary>Adds graphops_investigate, graphops_dsl_exec, graphops_entity_parse, run_tak_ml and get_tak_ml_status.</summary>
    /// <exception cref="InvalidOperationException">The Registry:Copilot or FlowScoring configuration is invalid.</exception>
    public static IServiceCollection AddCopilotTools(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var limits = configuration.GetSection(CopilotToolOptions.Section).Get<CopilotToolOptions>() ?? new CopilotToolOptions();
        if (limits.Validate() is { Count: > 0 } problems)
        {
            throw new InvalidOperationException($"Copilot tool configuration rejected: {string.Join(" ", problems)}");
        }

        FlowScoringOptions scoring;
        try
        {
            scoring = FlowScoringOptions.FromConfiguration(configuration);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"Flow scoring configuration rejected: {ex.Message}", ex);
        }

        services.AddSingleton(limits);
        services.AddSingleton(scoring);
        services.AddSingleton(sp => new DslSessionStore(limits.MaxDslSessions, limits.DslSessionIdleTimeout, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(_ => new FlowScoreLedger(scoring.ScoreTableCapacity));
        services.AddSingleton(_ => new FlowFeatureReader(scoring));
        services.AddSingleton<FlowScorerStatistics>();
        // Clients of their own (the scoring model may differ from the copilot's; probes get a short timeout); the container disposes them.
        services.AddKeyedSingleton(ScoringClient, (sp, _) =>
        {
            var copilot = sp.GetRequiredService<CopilotOptions>();
            return new OllamaClient(copilot with { Model = scoring.ModelOr(copilot) });
        });
        services.AddKeyedSingleton(ProbeClient, (sp, _) =>
        {
            var copilot = sp.GetRequiredService<CopilotOptions>();
            return new OllamaClient(copilot with { Model = scoring.ModelOr(copilot), ModelTimeout = scoring.StatusTimeout });
        });
        services.AddSingleton<IFlowScorer>(sp =>
        {
            var statistics = sp.GetRequiredService<FlowScorerStatistics>();
            RegisterMetrics(sp.GetRequiredService<NerfMetrics>(), statistics, sp.GetRequiredService<FlowScoreLedger>());
            return new OllamaFlowScorer(sp.GetRequiredKeyedService<OllamaClient>(ScoringClient), scoring, statistics, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp => new FlowModelProbe(sp.GetRequiredKeyedService<OllamaClient>(ProbeClient)));
        services.AddSingleton<IToolGroup, InvestigationTools>();
        services.AddSingleton<IToolGroup, ModelTools>();
        return services;
    }

    private static void RegisterMetrics(NerfMetrics metrics, FlowScorerStatistics statistics, FlowScoreLedger ledger)
    {
        metrics.Register("nerf_flow_scoring_inferences_total", MetricKind.Counter, "Flow-scoring model calls (run_tak_ml), answered or not.", () => statistics.Snapshot().Inferences);
        metrics.Register("nerf_flow_scoring_invalid_outputs_total", MetricKind.Counter, "Flow-scoring answers rejected as invalid.", () => statistics.Snapshot().InvalidOutputs);
        metrics.Register("nerf_flow_scoring_unavailable_total", MetricKind.Counter, "Flow-scoring calls the model did not answer.", () => statistics.Snapshot().Unavailable);
        metrics.Register("nerf_flow_scoring_scored_edges", MetricKind.Gauge, "Edges holding a recorded model score.", () => ledger.Count);
    }
}
