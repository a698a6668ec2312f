using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NerfEngine.Control.Ingress.EveStreamer;
using NerfEngine.Control.LiveIngest;
using NerfEngine.Control.Mcp;
using NerfEngine.Shared.Fabric.Hosting;
using NerfEngine.Shared.Fabric.Management;
using NerfEngine.Shared.Fabric.Metrics;

namespace NerfEngine.Tests.ControlNode.Ingress.EveStreamer.Support;

/// <summary>
/// A real node host (management HTTP and the eve-streamer ingress, both on Kestrel at 127.0.0.1:0) with a recording
/// live-event sink, wired as <c>Control.Node run</c> will wire it. Two shippers: one with a clear token, one with a
/// SHA-256 digest.
/// </summary>
internal sealed class EveStreamerTestHost : IAsyncDisposable
{
    public const string ShipperToken = "shipper-token";
    public const string HashedShipperToken = "hashed-shipper-token";

    private readonly WebApplication _app;

    private EveStreamerTestHost(WebApplication app, RecordingLiveEventSink sink)
    {
        _app = app;
        Sink = sink;
        var endPoint = app.Services.GetRequiredService<EveStreamerListener>().EndPoint
            ?? throw new InvalidOperationException("the eve-streamer listener did not bind");
        GrpcAddress = new Uri($"http://127.0.0.1:{endPoint.Port}");
        ManagementAddress = new Uri(app.Urls.First(u => !u.EndsWith($":{endPoint.Port}", StringComparison.Ordinal)));
    }

    /// <summary>h2c base address of the ingress.</summary>
    public Uri GrpcAddress { get; }

    /// <summary>host:port for gRPC clients.</summary>
    public string GrpcTarget => $"{GrpcAddress.Host}:{GrpcAddress.Port}";

    public Uri ManagementAddress { get; }

    public RecordingLiveEventSink Sink { get; }

    public EveStreamerMetrics Metrics => _app.Services.GetRequiredService<EveStreamerMetrics>();

    public NerfMetrics Registry => _app.Services.GetRequiredService<NerfMetrics>();

    public static async Task<EveStreamerTestHost> StartAsync(Action<Dictionary<string, string?>>? configure = null)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Management:Hostname"] = "127.0.0.1",
            ["Management:Port"] = "0",
            ["Ingress:EveStreamer:Enabled"] = "true",
            ["Ingress:EveStreamer:Hostname"] = "127.0.0.1",
            ["Ingress:EveStreamer:Port"] = "0",
            ["Ingress:EveStreamer:Tokens:0:Name"] = "shipper",
            ["Ingress:EveStreamer:Tokens:0:Token"] = ShipperToken,
            ["Ingress:EveStreamer:Tokens:1:Name"] = "hashed",
            ["Ingress:EveStreamer:Tokens:1:TokenSha256"] = AgentDirectory.Digest(HashedShipperToken).ToUpperInvariant(),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:NerfEngine.Control.Ingress"] = "Error",
        };
        configure?.Invoke(settings);
        var sink = new RecordingLiveEventSink();
        var builder = NodeHost.CreateBuilder("control", settings);
        builder.Services.AddSingleton<ILiveEventSink>(sink);
        builder.Services.AddEveStreamerIngress(builder.Configuration);
        var app = builder.Build();
        app.MapManagement();
        app.UseEveStreamerIngress();
        await app.StartAsync();
        return new EveStreamerTestHost(app, sink);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
