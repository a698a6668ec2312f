using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NerfEngine.Control.Embedded;
using NerfEngine.Control.Engine;
using NerfEngine.Control.Mcp;
using NerfEngine.Shared.Fabric.Hosting;
using NerfEngine.Shared.Messages.Hashing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Benchmarks.Registry;

/// <summary>
/// A control node as <c>run</c> builds it (embedded engine, registry, SQLite audit journal, /mcp on Kestrel) on
/// 127.0.0.1:0, plus <c>/bench/raw</c>: a POST that parses the same JSON-RPC body and writes a canned SSE answer,
/// the baseline that shows what HTTP and JSON alone cost on this machine.
/// </summary>
internal sealed class McpBenchHost : IAsyncDisposable
{
    public const string Token = "bench-token";

    private static readonly byte[] CannedAnswer = Encoding.UTF8.GetBytes(
        "event: message\ndata: {\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"{}\"}],\"structuredContent\":{}},\"id\":1,\"jsonrpc\":\"2.0\"}\n\n");

    private readonly WebApplication _app;
    private readonly string _directory;

    private McpBenchHost(WebApplication app, string directory)
    {
        _app = app;
        _directory = directory;
        var root = app.Urls.First();
        McpUrl = new Uri(root + "/mcp");
        RawUrl = new Uri(root + "/bench/raw");
    }

    public Uri McpUrl { get; }

    public Uri RawUrl { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<McpBenchHost> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("nerf-bench-mcp-").FullName;
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Management:Hostname"] = "127.0.0.1",
            ["Management:Port"] = "0",
            ["Persistence:ConnectionString"] = $"Data Source={Path.Combine(directory, "journal.db")}",
            ["Mcp:PcapDirectory"] = directory,
            ["Mcp:Agents:0:Name"] = "bench",
            ["Mcp:Agents:0:Token"] = Token,
            ["Mcp:Agents:0:Mode"] = "observe",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var builder = NodeHost.CreateBuilder("control", settings);
        builder.Services.AddEmbeddedEngine(builder.Configuration);
        builder.Services.AddNerfMcp(builder.Configuration);
        var app = builder.Build();
        app.MapNerfMcp();
        app.MapPost("/bench/raw", async (HttpContext context) =>
        {
            using var body = await System.Text.Json.JsonDocument.ParseAsync(context.Request.Body);
            context.Response.ContentType = "text/event-stream";
            await context.Response.Body.WriteAsync(CannedAnswer);
        });
        await app.StartAsync();
        await SeedAsync(app.Services.GetRequiredService<GraphEngine>());
        return new McpBenchHost(app, directory);
    }

    /// <summary>A small graph (a fan-out of 64 edges) so query tools return real rows.</summary>
    private static Task SeedAsync(GraphEngine engine) => engine.QueryAsync(core =>
    {
        var t0 = 1_700_000_000L * 1_000_000_000L;
        var src = core.Directory.Register(IPAddress.Parse("10.0.0.5"));
        var edges = Enumerable.Range(0, 64).Select(i =>
        {
            var dst = core.Directory.Register(IPAddress.Parse($"10.0.1.{i + 1}"));
            return new GraphEdge
            {
                TimestampNs = (ulong)(t0 + i * 1_000_000L), SrcNode = src, DstNode = dst, EdgeHash = Fnv1a64.EdgeHash(dst, 22, 6),
                Packets = 2, Bytes = 160, SrcPort = 40000, DstPort = 22, Protocol = 6, Kind = EdgeKind.Open, IpVersion = 4,
            };
        }).ToArray();
        core.Observe(edges);
        return true;
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A straggling SQLite handle; temp space is reclaimed by the OS.
        }
    }
}
