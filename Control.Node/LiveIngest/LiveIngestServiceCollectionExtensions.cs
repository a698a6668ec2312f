using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NerfEngine.Control.Copilot.FlowScoring;
using NerfEngine.Control.Engine;
using NerfEngine.Control.LiveIngest.Streams;
using NerfEngine.Control.Registry;
using NerfEngine.Control.Registry.Tools;
using NerfEngine.Shared.Fabric.Metrics;

namespace NerfEngine.Control.LiveIngest;

/// <summary>
/// Wiring of live ingest into a control node: <c>services.AddLiveIngest(configuration)</c> (called by <c>AddNerfMcp</c>).
/// Adds the queue (also as the node's <see cref="ILiveEventSink"/>, for the gRPC ingress), the committer (with the
/// <see cref="ILiveEventScorer"/> when one is registered), the connect_stream streams, the tools and the nerf_live_*
/// metrics. Needs the graph engine's services (<c>AddEmbeddedEngine</c>). Configuration: section <c>LiveIngest</c>.
/// </summary>
public static class LiveIngestServiceCollectionExtensions
{
    /// <exception cref="InvalidOperationException">The LiveIngest configuration is invalid (every problem listed).</exception>
    public static IServiceCollection AddLiveIngest(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = ReadOptions(configuration);
        services.AddSingleton(options);
        services.AddSingleton(sp => new LiveIngestQueue(options, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ILiveEventSink>(sp => sp.GetRequiredService<LiveIngestQueue>());
        if (options.ScoreWithFlowModel)
        {
            services.TryAddSingleton<ILiveEventScorer>(sp => new FlowModelLiveEventScorer(sp.GetRequiredService<IFlowScorer>(),
                sp.GetRequiredService<FlowFeatureReader>(), sp.GetRequiredService<GraphEngine>(), options));
        }

        services.AddSingleton(sp => new LiveEventCommitter(sp.GetRequiredService<LiveIngestQueue>(), sp.GetRequiredService<GraphEngine>(),
            sp.GetService<ILiveEventScorer>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new LiveStreams(sp.GetRequiredService<ILiveEventSink>(), options, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IToolGroup, LiveIngestTools>();
        services.AddHostedService<LiveIngestLifecycle>();
        return services;
    }

    /// <summary>Binds and validates section <c>LiveIngest</c>; absent keys keep their defaults.</summary>
    /// <exception cref="InvalidOperationException">Naming every invalid key.</exception>
    public static LiveIngestOptions ReadOptions(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(LiveIngestOptions.Section).Get<LiveIngestOptions>() ?? new LiveIngestOptions();
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"Live ingest configuration rejected: {string.Join(" ", problems)}");
        }

        return options;
    }

    /// <summary>Publishes the metrics at start; stops every stream at shutdown, before the engine goes.</summary>
    private sealed class LiveIngestLifecycle(NerfMetrics metrics, LiveEventCommitter committer, LiveStreams streams) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            LiveIngestMetrics.Register(metrics, committer, streams);
            return Task.CompletedTask;
        }

        public async Task StopAsync(CancellationToken cancellationToken) => await streams.DisposeAsync().ConfigureAwait(false);
    }
}
