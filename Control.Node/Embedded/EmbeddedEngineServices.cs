using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Copilot;
using NerfEngine.Control.Copilot.Agent;
using NerfEngine.Control.Copilot.Dsl;
using NerfEngine.Control.Copilot.Entities;
using NerfEngine.Control.Copilot.Ollama;
using NerfEngine.Control.Detection.Detectors;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Control.Engine;
using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Metrics;
using NerfEngine.Shared.Fabric.Transport;
using NerfEngine.Shared.Fabric.Transport.RabbitMq;

namespace NerfEngine.Control.Embedded;

/// <summary>
/// The all-in-one node: actor system, edge transport (in-process by default, RabbitMQ with
/// <c>Transport:Kind=rabbitmq</c>) and the graph engine consuming it.
/// </summary>
public static class EmbeddedEngineServices
{
    public static IServiceCollection AddEmbeddedEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp => ActorSystem.Create("nerf", new ActorSystemOptions
        {
            TimeProvider = sp.GetRequiredService<TimeProvider>(),
            LoggerFactory = sp.GetRequiredService<ILoggerFactory>(), // actor failures and restarts are logged, never silent
        }));
        AddEdgeTransport(services, configuration);
        services.AddSingleton<EventCardFeed>();
        services.AddSingleton(_ => ReadEngineOptions(configuration));
        services.AddSingleton<DeferredInvestigator>();
        services.AddSingleton(sp => new EngineCore(sp.GetRequiredService<EngineOptions>(), sp.GetRequiredService<EventCardFeed>(),
            sp.GetRequiredService<DeferredInvestigator>()));
        services.AddSingleton(sp =>
        {
            var engine = new GraphEngine(sp.GetRequiredService<ActorSystem>(), sp.GetRequiredService<EngineCore>());
            RegisterMetrics(sp.GetRequiredService<NerfMetrics>(), engine);
            return engine;
        });
        AddCopilot(services, configuration);
        return services;
    }

    /// <summary>
    /// The edge-batch transport chosen by <c>Transport:Kind</c>: in-process (default; one partition, so
    /// batches reach the detectors in event-time order) or RabbitMQ (section <c>Transport:RabbitMq</c>;
    /// connected when first resolved, failing with the broker's clear error).
    /// </summary>
    private static void AddEdgeTransport(IServiceCollection services, IConfiguration configuration)
    {
        // Read (and validated) now, so a bad value fails at start-up; connected when first resolved.
        EdgeTransportSettings settings = EdgeTransportFactory.Read(configuration);
        services.AddSingleton<IEdgeBatchTransport>(sp =>
        {
            // DI factories are synchronous; this runs once, at start-up, before anything is consumed.
            IEdgeBatchTransport transport = EdgeTransportFactory.ConnectAsync(
                settings, new InProcessTransportOptions(PartitionCount: 1), sp.GetRequiredService<ILoggerFactory>()).GetAwaiter().GetResult();
            if (transport is RabbitMqEdgeTransport rabbitMq)
            {
                RabbitMqTransportMetrics.Register(sp.GetRequiredService<NerfMetrics>(), rabbitMq);
            }

            return transport;
        });
    }

    /// <summary>
    /// The investigation copilot (section <c>Copilot</c>): Tier-3 cards wake it in the background.
    /// It needs no model to run; without one its reports say the model is unavailable and carry
    /// the deterministic DSL findings.
    /// </summary>
    private static void AddCopilot(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ =>
        {
            var options = configuration.GetSection("Copilot").Get<CopilotOptions>() ?? new CopilotOptions();
            options.Validate();
            return options;
        });
        services.AddSingleton(sp => new EntityExtractor(sp.GetRequiredService<CopilotOptions>().ExampleValues));
        services.AddSingleton<IChatModel>(sp => new OllamaClient(sp.GetRequiredService<CopilotOptions>()));
        services.AddSingleton(sp => new DslExecutor(sp.GetRequiredService<GraphEngine>(), sp.GetRequiredService<CopilotOptions>()));
        services.AddSingleton(sp => new InvestigationAgent(sp.GetRequiredService<IChatModel>(), sp.GetRequiredService<DslExecutor>(),
            sp.GetRequiredService<CopilotOptions>(), sp.GetRequiredService<EntityExtractor>()));
        services.AddSingleton(sp => new InvestigationHistory(sp.GetRequiredService<CopilotOptions>().ReportHistory, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var investigator = new CopilotInvestigator(sp.GetRequiredService<InvestigationAgent>(), sp.GetRequiredService<CopilotOptions>(),
                sp.GetRequiredService<InvestigationHistory>());
            sp.GetRequiredService<DeferredInvestigator>().Attach(investigator);
            return investigator;
        });
    }

    /// <summary>Sections Graph, Detection, Autopilot, NodeDirectory; absent sections keep the SPEC defaults.</summary>
    public static EngineOptions ReadEngineOptions(IConfiguration configuration) => new()
    {
        Graph = configuration.GetSection("Graph").Get<HypergraphOptions>() ?? new HypergraphOptions(),
        Detection = configuration.GetSection("Detection").Get<DetectionThresholds>() ?? new DetectionThresholds(),
        Autopilot = configuration.GetSection("Autopilot").Get<AutopilotOptions>() ?? new AutopilotOptions(),
        NodeDirectory = configuration.GetSection("NodeDirectory").Get<NodeDirectoryOptions>() ?? new NodeDirectoryOptions(),
    };

    private static void RegisterMetrics(NerfMetrics metrics, GraphEngine engine)
    {
        var c = engine.Counters;
        metrics.Register("nerf_engine_batches_total", MetricKind.Counter, "Edge batches applied.", () => Interlocked.Read(ref c.Batches));
        metrics.Register("nerf_engine_edges_total", MetricKind.Counter, "Edges applied.", () => Interlocked.Read(ref c.Edges));
        metrics.Register("nerf_engine_duplicate_batches_total", MetricKind.Counter, "Redelivered batches skipped.", () => Interlocked.Read(ref c.DuplicateBatches));
        metrics.Register("nerf_engine_malformed_batches_total", MetricKind.Counter, "Malformed batches dead-lettered.", () => Interlocked.Read(ref c.MalformedBatches));
    }
}
