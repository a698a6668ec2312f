using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NerfEngine.Control.Autonomy.Execution;
using NerfEngine.Control.Registry;
using NerfEngine.Control.Registry.Audit;
using NerfEngine.Control.Registry.Ingest;
using NerfEngine.Control.Registry.Tools;
using NerfEngine.Shared.Fabric.Metrics;
using NerfEngine.Shared.Fabric.Persistence;

namespace NerfEngine.Control.Mcp;

/// <summary>
/// Wiring of the registry and the MCP endpoint into a node host:
/// <c>services.AddNerfMcp(configuration)</c> in <c>configure</c>, <c>app.MapNerfMcp()</c> in <c>mapRoutes</c>.
/// Needs the graph engine's services (<c>AddEmbeddedEngine</c>). Configuration: sections <c>Mcp</c> (agents,
/// origins, body limit, capture directory), <c>Registry</c> (budget window, audit, per-tool overrides) and
/// <c>Registry:Graph</c> (result caps); the audit journal is the node's <c>Persistence</c> journal.
/// </summary>
public static class McpServiceCollectionExtensions
{
    /// <summary>Adds the registry, its tool groups, the audit trail, the ingest queue and the MCP endpoint.</summary>
    /// <exception cref="InvalidOperationException">The Mcp or Registry configuration is invalid (every problem listed).</exception>
    public static IServiceCollection AddNerfMcp(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var mcp = ReadMcpOptions(configuration);
        var registryOptions = configuration.GetSection(RegistryOptions.Section).Get<RegistryOptions>() ?? new RegistryOptions();
        var graphOptions = configuration.GetSection(GraphToolOptions.Section).Get<GraphToolOptions>() ?? new GraphToolOptions();
        var problems = mcp.Validate().Concat(registryOptions.Validate()).ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"MCP configuration rejected: {string.Join(" ", problems)}");
        }

        services.AddSingleton(mcp);
        services.AddSingleton(registryOptions);
        services.AddSingleton(graphOptions);
        services.AddSingleton(_ => new AgentDirectory(mcp.Agents));
        services.TryAddSingleton<IEventJournal>(sp => OpenJournal(configuration, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new AuditTrail(sp.GetRequiredService<IEventJournal>(), registryOptions, sp.GetRequiredService<ILogger<AuditTrail>>()));

        services.AddSingleton<IToolGroup, GraphMutationTools>();
        services.AddSingleton<IToolGroup, GraphQueryTools>();
        services.AddSingleton<IToolGroup, ScopeTools>();
        services.AddSingleton<IToolGroup, DiagnosticsTools>();
        services.AddSingleton<IToolGroup, AutopilotTools>();
        services.AddSingleton<IToolGroup, PcapIngestTools>();
        services.AddSingleton<IToolGroup, OrchestrationTools>();
        Copilot.CopilotToolServices.AddCopilotTools(services, configuration);
        NerfEngine.Control.LiveIngest.LiveIngestServiceCollectionExtensions.AddLiveIngest(services, configuration);
        services.AddSingleton(sp => PcapPathPolicy.CreatingRoot(mcp.PcapDirectory, sp.GetRequiredService<ILogger<PcapPathPolicy>>()));
        services.TryAddSingleton<IPcapIngestor, EmbeddedPcapIngestor>();
        services.AddSingleton(sp => new IngestJobQueue(sp.GetRequiredService<IPcapIngestor>(), mcp.IngestQueueCapacity, mcp.IngestJobHistory,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<IngestJobQueue>>()));

        services.AddSingleton(sp => new ToolRegistry(
            sp.GetServices<IToolGroup>(), sp.GetRequiredService<AuditTrail>(), registryOptions, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<NerfMetrics>(), sp.GetRequiredService<ILogger<ToolRegistry>>()));
        services.TryAddSingleton<IToolInvoker>(sp => new RegistryToolInvoker(sp.GetRequiredService<ToolRegistry>(),
            new AgentIdentity(registryOptions.ExecutorAgentName, AgentMode.Mutate, registryOptions.ExecutorMutationBudgetPerHour)));
        services.AddSingleton<McpToolSurface>();
        services.AddSingleton<McpHttpEndpoint>();
        services.AddHostedService<RegistryLifecycle>();
        return services;
    }

    /// <summary>Maps the Streamable HTTP endpoint at <see cref="McpOptions.Path"/> (POST; other verbs get 405).</summary>
    public static IEndpointConventionBuilder MapNerfMcp(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<McpOptions>();
        var endpoint = endpoints.ServiceProvider.GetRequiredService<McpHttpEndpoint>();
        return endpoints.MapMethods(options.Path, ["POST", "GET", "DELETE", "PUT", "PATCH"], endpoint.HandleAsync);
    }

    /// <summary>
    /// Binds <c>Mcp</c>; agents also accept the snake_case keys of the deployment docs
    /// (<c>token_sha256</c>, <c>mutation_budget_per_hour</c>) besides the property names.
    /// </summary>
    public static McpOptions ReadMcpOptions(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(McpOptions.Section);
        var options = section.Get<McpOptions>() ?? new McpOptions();
        options.Agents = section.GetSection("Agents").GetChildren().Select(a => new McpAgentOptions
        {
            Name = a["Name"] ?? string.Empty,
            Token = a["Token"],
            TokenSha256 = a["TokenSha256"] ?? a["token_sha256"],
            Mode = a["Mode"] ?? "observe",
            MutationBudgetPerHour = int.TryParse(a["MutationBudgetPerHour"] ?? a["mutation_budget_per_hour"], System.Globalization.CultureInfo.InvariantCulture, out var budget)
                ? budget
                : AgentIdentity.DefaultMutationBudgetPerHour,
        }).ToList();
        return options;
    }

    /// <summary>The node's journal (section Persistence), creating the SQLite file's directory when needed.</summary>
    private static IEventJournal OpenJournal(IConfiguration configuration, TimeProvider time)
    {
        var options = PersistenceOptions.FromConfiguration(configuration);
        options.EnsureSqliteDirectory();

        // Startup path, once: the DI factory cannot await.
        return PersistenceFactory.OpenJournalAsync(options, time).GetAwaiter().GetResult();
    }

    /// <summary>Restores mutation budgets from the audit journal at start; flushes audit records at stop.</summary>
    private sealed class RegistryLifecycle(ToolRegistry registry, ILogger<RegistryLifecycle> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            try
            {
                await registry.RestoreBudgetsAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (JournalException ex)
            {
                logger.LogWarning(ex, "Registry: mutation budgets could not be restored from the audit journal; they start empty");
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => registry.Audit.FlushAsync(cancellationToken);
    }
}
