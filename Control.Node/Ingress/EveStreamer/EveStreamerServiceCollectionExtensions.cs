using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NerfEngine.Control.LiveIngest;

namespace NerfEngine.Control.Ingress.EveStreamer;

/// <summary>
/// Wiring of the eve-streamer gRPC ingress into a node host: <c>services.AddEveStreamerIngress(configuration)</c> in
/// <c>configure</c> (options, tokens, metrics, and the HTTP/2 listener added to Kestrel), and
/// <c>app.UseEveStreamerIngress()</c> in <c>mapRoutes</c> (answers every request on that listener; requests on the
/// node's other listeners pass through untouched). Needs an <see cref="ILiveEventSink"/> (the live-ingest queue)
/// registered by its own wiring. Both calls do nothing beyond registering options while
/// <c>Ingress:EveStreamer:Enabled</c> is false.
/// </summary>
public static class EveStreamerServiceCollectionExtensions
{
    /// <summary>Adds the ingress's services and its Kestrel endpoint.</summary>
    /// <exception cref="InvalidOperationException">The <c>Ingress:EveStreamer</c> configuration is invalid (every problem listed).</exception>
    public static IServiceCollection AddEveStreamerIngress(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(EveStreamerOptions.Section).Get<EveStreamerOptions>() ?? new EveStreamerOptions();
        var problems = options.Validate().ToList();
        ShipperTokens? tokens = null;
        try
        {
            tokens = new ShipperTokens(options.Tokens);
        }
        catch (ArgumentException ex)
        {
            problems.Add(ex.Message);
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"eve-streamer ingress configuration rejected: {string.Join(" ", problems)}");
        }

        services.AddSingleton(options);
        services.AddSingleton(tokens!);
        services.AddSingleton<EveStreamerListener>();
        services.AddSingleton<EveStreamerMetrics>();
        services.AddSingleton<StreamAdmission>();
        services.AddSingleton<EventStreamerService>();
        services.AddOptions<KestrelServerOptions>().Configure<EveStreamerListener>((kestrel, listener) => listener.AddTo(kestrel));
        return services;
    }

    /// <summary>
    /// Serves <c>/eve_streamer.EventStreamer/StreamEvents</c> on the ingress listener; any other path there is
    /// UNIMPLEMENTED. Call after <see cref="AddEveStreamerIngress"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The ingress is enabled but no <see cref="ILiveEventSink"/> is registered.</exception>
    public static IApplicationBuilder UseEveStreamerIngress(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.ApplicationServices;
        var listener = services.GetRequiredService<EveStreamerListener>();
        if (!listener.Enabled)
        {
            return app;
        }

        if (services.GetService<ILiveEventSink>() is null)
        {
            throw new InvalidOperationException(
                "The eve-streamer ingress is enabled but no ILiveEventSink (the live-ingest queue) is registered; register the live-ingest services first.");
        }

        var service = services.GetRequiredService<EventStreamerService>();
        var tokens = services.GetRequiredService<ShipperTokens>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EveStreamerServiceCollectionExtensions));
        // The port is known only once Kestrel has bound it (0 = any free port).
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
            logger.LogInformation("eve-streamer gRPC ingress: {Path} on h2c {EndPoint}, {Shippers} shipper token(s)",
                EventStreamerService.StreamEventsPath, listener.EndPoint, tokens.Count));
        return app.Use((context, next) => listener.StreamsOf(context) is { } connection ? service.HandleAsync(context, connection) : next(context));
    }
}
