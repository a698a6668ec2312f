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
    /// <summary>Category of the generic host's own log messages.</summary>
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

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

        AddLayers(builder.Configuration, builder.Environment.EnvironmentName, overrides);

        var starting = new StartWindow();
        builder.Services.AddSingleton(starting);
        builder.Services.AddSingleton(new ListenerSettings());
        ConfigureLogging(builder, starting);

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

    /// <summary>
    /// Starts a node built by <see cref="CreateBuilder"/>. A listener whose address is in use ends the start with one
    /// <see cref="IOException"/> naming the address and the setting to change (<see cref="ListenerSettings"/>), which
    /// <see cref="CliRunner"/> prints as one <c>error:</c> line; the host's own log of the failed start (the whole exception
    /// with its stack, at Error) is held back because the exception itself reaches the caller.
    /// </summary>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var window = app.Services.GetRequiredService<StartWindow>();
        window.Open = true;
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (app.Services.GetRequiredService<ListenerSettings>().DescribeAddressInUse(ex) is { } clear)
        {
            throw new IOException(clear, ex);
        }
        finally
        {
            window.Open = false;
        }
    }

    /// <summary>
    /// The configuration a node reads, without a host: for one-shot verbs (journal audit, synth)
    /// that must see exactly what <c>run</c> would.
    /// </summary>
    public static IConfigurationRoot BuildConfiguration(IReadOnlyDictionary<string, string?>? overrides = null, string? contentRoot = null)
    {
        // A builder, not a ConfigurationManager: the manager reloads every source each time one is added.
        var configuration = new ConfigurationBuilder();
        configuration.SetBasePath(contentRoot ?? AppContext.BaseDirectory);
        AddLayers(configuration, Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production", overrides);
        return configuration.Build();
    }

    /// <summary>appsettings.json &lt; appsettings.{env}.json &lt; --config file &lt; NERF__* &lt; --set.</summary>
    private static void AddLayers(IConfigurationBuilder configuration, string environmentName, IReadOnlyDictionary<string, string?>? overrides)
    {
        configuration.Sources.Clear();
        configuration
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddJsonFile($"appsettings.{environmentName}.json", optional: true, reloadOnChange: false);
        if (overrides is not null && overrides.TryGetValue("Node:ConfigFile", out var file) && file is not null)
            configuration.AddJsonFile(file, optional: false, reloadOnChange: false);
        configuration.AddEnvironmentVariables(EnvironmentPrefix);
        if (overrides is { Count: > 0 })
            configuration.AddInMemoryCollection(overrides);
    }

    /// <summary>Console logging: one line per event for people, or JSON (<c>Logging:Format=json</c>) for collectors.</summary>
    private static void ConfigureLogging(WebApplicationBuilder builder, StartWindow starting)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        // The host logs a failed start (event 11) at Error with the whole exception; StartAsync rethrows it to the caller,
        // so while a start is in progress that log would only repeat it as a multi-kilobyte stack. The category's other
        // logs keep the configured level.
        var hostMinimum = ConfiguredLevel(builder.Configuration, HostCategory);
        builder.Logging.AddFilter(HostCategory, level => level >= hostMinimum && !(starting.Open && level == LogLevel.Error));
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

    /// <summary>The level <c>Logging:LogLevel</c> sets for <paramref name="category"/> (longest matching prefix, else Default, else Information).</summary>
    private static LogLevel ConfiguredLevel(IConfiguration configuration, string category)
    {
        var levels = configuration.GetSection("Logging:LogLevel");
        for (var name = category; name.Length > 0; name = name.LastIndexOf('.') is var dot and > 0 ? name[..dot] : string.Empty)
        {
            if (Enum.TryParse<LogLevel>(levels[name], ignoreCase: true, out var level)) return level;
        }

        return Enum.TryParse<LogLevel>(levels["Default"], ignoreCase: true, out var fallback) ? fallback : LogLevel.Information;
    }

    /// <summary>Set while <see cref="StartAsync"/> runs (read by the host-log filter).</summary>
    private sealed class StartWindow
    {
        public volatile bool Open;
    }
}
