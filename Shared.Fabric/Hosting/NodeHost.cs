using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NerfEngine.Shared.Fabric.Cluster;
using NerfEngine.Shared.Fabric.Management;
using NerfEngine.Shared.Fabric.Metrics;

namespace NerfEngine.Shared.Fabric.Hosting;

/// <summary>
/// Builds the Generic Host every NerfEngine executable runs in: configuration from
/// appsettings.json, appsettings.{Environment}.json, <c>NERF__*</c> environment variables and
/// explicit overrides (in that order, last wins); structured console logging; management HTTP.
/// </summary>
public static class NodeHost
{
    /// <summary>Environment variables with this prefix override configuration: NERF__Management__Port=9000.</summary>
    public const string EnvironmentPrefix = "NERF__";

    public static WebApplicationBuilder CreateBuilder(
        string role, IReadOnlyDictionary<string, string?>? overrides = null, string? contentRoot = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = contentRoot ?? AppContext.BaseDirectory,
            Args = [],
        });

        builder.Configuration.Sources.Clear();
        builder.Configuration
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddJsonFile($"appsettings.{builder.Environment.EnvironmentName}.json", optional: true, reloadOnChange: false)
            .AddEnvironmentVariables(EnvironmentPrefix);
        if (overrides is not null && overrides.TryGetValue("Node:ConfigFile", out var file) && file is not null)
        {
            // An explicit --config file sits between appsettings and the environment.
            var env = builder.Configuration.Sources[^1];
            builder.Configuration.Sources.RemoveAt(builder.Configuration.Sources.Count - 1);
            builder.Configuration.AddJsonFile(file, optional: false, reloadOnChange: false);
            builder.Configuration.Sources.Add(env);
        }
        if (overrides is { Count: > 0 })
            builder.Configuration.AddInMemoryCollection(overrides);

        ConfigureLogging(builder);

        builder.Services.AddOptions<NodeOptions>().Bind(builder.Configuration.GetSection(NodeOptions.Section))
            .PostConfigure(o => { if (o.Roles.Count == 0) o.Roles.Add(role); });
        builder.Services.AddOptions<ManagementOptions>().Bind(builder.Configuration.GetSection(ManagementOptions.Section));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<NerfMetrics>();
        builder.Services.AddSingleton<ShardPlacementRegistry>();
        builder.Services.AddSingleton<IClusterMembership, LocalClusterMembership>();
        builder.Services.AddHealthChecks()
            .AddCheck<MembershipReadinessCheck>("membership", tags: [ManagementRoutes.ReadyTag]);
        builder.WebHost.UseManagementEndpoint(builder.Configuration);
        return builder;
    }

    /// <summary>Console logging: one line per event for people, or JSON (<c>Logging:Format=json</c>) for collectors.</summary>
    private static void ConfigureLogging(WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        var format = builder.Configuration["Logging:Format"] ?? "simple";
        if (string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.UseUtcTimestamp = true;
            });
        }
        // Console logs go to stderr so stdout stays clean for --json summaries and MCP stdio.
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(
            o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
