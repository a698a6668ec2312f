using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Execution;
using NerfEngine.Control.Autonomy.Ledger;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Control.Embedded;
using NerfEngine.Control.Engine;
using NerfEngine.Control.Mcp;
using NerfEngine.Control.Registry;
using NerfEngine.Control.Registry.Audit;
using NerfEngine.Control.Registry.Ingest;
using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Hosting;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.Sqlite;
using NerfEngine.Shared.Fabric.Transport;
using NerfEngine.Shared.Messages.Hashing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Tests.ControlNode.Mcp.Support;

/// <summary>
/// A real control node for MCP tests: the node host with the embedded engine and the MCP endpoint on Kestrel at
/// 127.0.0.1:0, a SQLite journal and a capture directory in a scratch folder, and four agents.
/// </summary>
internal sealed class McpTestHost : IAsyncDisposable
{
    public const string ObserverToken = "observer-token";
    public const string OperatorToken = "operator-token";
    public const string AdminToken = "admin-token";
    public const string FrugalToken = "frugal-token";
    public const string AllowedOrigin = "http://localhost:6274";

    private readonly WebApplication _app;
    private readonly IAsyncDisposable _subscription;

    private McpTestHost(WebApplication app, IAsyncDisposable subscription, string directory)
    {
        _app = app;
        _subscription = subscription;
        Directory = directory;
        Url = new Uri(app.Urls.First() + "/mcp");
    }

    /// <summary>The MCP endpoint.</summary>
    public Uri Url { get; }

    /// <summary>Scratch folder (journal, capture directory).</summary>
    public string Directory { get; }

    /// <summary>The capture directory ingest_pcap may read.</summary>
    public string PcapDirectory => Path.Combine(Directory, "pcap");

    public IServiceProvider Services => _app.Services;

    public ToolRegistry Registry => Services.GetRequiredService<ToolRegistry>();

    public GraphEngine Engine => Services.GetRequiredService<GraphEngine>();

    public IngestJobQueue Jobs => Services.GetRequiredService<IngestJobQueue>();

    /// <summary>Starts a node; <paramref name="configure"/> may add or replace configuration keys.</summary>
    public static async Task<McpTestHost> StartAsync(Action<Dictionary<string, string?>>? configure = null, bool withExecutor = false)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("nerf-mcp-").FullName;
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "pcap"));
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Management:Hostname"] = "127.0.0.1",
            ["Management:Port"] = "0",
            ["Persistence:Provider"] = "sqlite",
            ["Persistence:ConnectionString"] = $"Data Source={Path.Combine(directory, "journal.db")}",
            ["Mcp:PcapDirectory"] = Path.Combine(directory, "pcap"),
            ["Mcp:AllowedOrigins:0"] = AllowedOrigin,
            ["Mcp:Agents:0:Name"] = "observer",
            ["Mcp:Agents:0:Token"] = ObserverToken,
            ["Mcp:Agents:0:Mode"] = "observe",
            ["Mcp:Agents:1:Name"] = "operator",
            ["Mcp:Agents:1:Token"] = OperatorToken,
            ["Mcp:Agents:1:Mode"] = "mutate",
            ["Mcp:Agents:1:mutation_budget_per_hour"] = "100",
            ["Mcp:Agents:2:Name"] = "admin",
            ["Mcp:Agents:2:token_sha256"] = AgentDirectory.Digest(AdminToken),
            ["Mcp:Agents:2:Mode"] = "admin",
            ["Mcp:Agents:2:MutationBudgetPerHour"] = "1000",
            ["Mcp:Agents:3:Name"] = "frugal",
            ["Mcp:Agents:3:Token"] = FrugalToken,
            ["Mcp:Agents:3:Mode"] = "mutate",
            ["Mcp:Agents:3:MutationBudgetPerHour"] = "3",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:NerfEngine.Control.Registry.ToolRegistry"] = "Critical",
        };
        configure?.Invoke(settings);
        var builder = NodeHost.CreateBuilder("control", settings);
        builder.Services.AddEmbeddedEngine(builder.Configuration);
        builder.Services.AddNerfMcp(builder.Configuration);
        if (withExecutor)
        {
            // As the Autonomy wiring will: one executor over its own journal, calling tools through the registry.
            var autonomyDb = Path.Combine(directory, "autonomy.db");
            builder.Services.AddSingleton(sp =>
            {
                var time = sp.GetRequiredService<TimeProvider>();
                var persistence = new PersistenceContext(
                    SqliteEventJournal.OpenAsync($"Data Source={autonomyDb}", time).GetAwaiter().GetResult(),
                    SqliteSnapshotStore.OpenAsync($"Data Source={autonomyDb}").GetAwaiter().GetResult(),
                    AutonomySerialization.NewSerializer(),
                    time);
                return sp.GetRequiredService<ActorSystem>().Spawn(
                    ExecutorActor.Props(new AutonomyOptions(), persistence, sp.GetRequiredService<IToolInvoker>(), time), "executor");
            });
        }

        var app = builder.Build();
        app.MapNerfMcp();
        await app.StartAsync();
        var engine = app.Services.GetRequiredService<GraphEngine>();
        var subscription = await engine.SubscribeAsync(app.Services.GetRequiredService<IEdgeBatchTransport>());
        return new McpTestHost(app, subscription, directory);
    }

    /// <summary>Every audit record written so far (flushes first).</summary>
    public async Task<IReadOnlyList<AuditRecord>> AuditAsync()
    {
        var audit = Registry.Audit;
        await audit.FlushAsync();
        var records = new List<AuditRecord>();
        await foreach (var r in audit.ReadAsync())
        {
            records.Add(r);
        }

        return records;
    }

    /// <summary>
    /// Seeds the graph through the engine: a scanner-ish fan-out from 10.0.0.5 plus a few external edges, all at
    /// event time <see cref="SeedTimeNs"/>. Returns the id of the 10.0.0.5 → 10.0.0.9:22 edge.
    /// </summary>
    public async Task<string> SeedAsync()
    {
        return await Engine.QueryAsync(core =>
        {
            ulong Id(string address) => core.Directory.Register(IPAddress.Parse(address));
            GraphEdge Edge(string src, string dst, ushort port, long ts) => new()
            {
                TimestampNs = (ulong)ts,
                SrcNode = Id(src),
                DstNode = Id(dst),
                EdgeHash = Fnv1a64.EdgeHash(Id(dst), port, 6),
                Packets = 3,
                Bytes = 240,
                SrcPort = 40000,
                DstPort = port,
                Protocol = 6,
                Kind = EdgeKind.Open,
                IpVersion = 4,
            };

            var edges = new List<GraphEdge>();
            for (var i = 0; i < 12; i++)
            {
                edges.Add(Edge("10.0.0.5", $"10.0.0.{10 + i}", 22, SeedTimeNs + i * 1_000_000));
            }

            edges.Add(Edge("10.0.0.5", "10.0.0.9", 22, SeedTimeNs));
            edges.Add(Edge("10.0.0.5", "10.0.0.9", 22, SeedTimeNs + 5_000_000));
            edges.Add(Edge("203.0.113.7", "10.0.0.9", 443, SeedTimeNs + 7_000_000));
            edges.Add(Edge("10.0.0.9", "198.51.100.20", 53, SeedTimeNs + 8_000_000));
            core.Observe(edges.ToArray());
            var key = new HyperEdgeKey(Id("10.0.0.5"), Id("10.0.0.9"), Fnv1a64.EdgeHash(Id("10.0.0.9"), 22, 6));
            return key.Id;
        });
    }

    /// <summary>
    /// Feeds AGG records (sensor aggregates: no source) through the engine, at event time <see cref="SeedTimeNs"/> + 9 ms:
    /// 10.0.0.9:22/tcp in 3 windows of 10 packets, 10.0.0.9:443/tcp in 1 window of 500 packets, 10.0.0.20:53/udp in 2
    /// windows of 4 packets. The addresses are registered in the node directory, as the sensors' OPEN records do.
    /// </summary>
    public Task SeedServicesAsync() => Engine.QueryAsync(core =>
    {
        GraphEdge Agg(string dst, ushort port, byte protocol, uint packets, long ts)
        {
            ulong node = core.Directory.Register(IPAddress.Parse(dst));
            return new GraphEdge
            {
                TimestampNs = (ulong)ts,
                DstNode = node,
                EdgeHash = Fnv1a64.EdgeHash(node, port, protocol),
                Packets = packets,
                Bytes = packets * 100,
                DstPort = port,
                Protocol = protocol,
                Kind = EdgeKind.Aggregate,
                IpVersion = 4,
            };
        }

        const long at = SeedTimeNs + 9_000_000;
        core.Observe([
            Agg("10.0.0.9", 22, 6, 10, at), Agg("10.0.0.9", 22, 6, 10, at + 1_000_000), Agg("10.0.0.9", 22, 6, 10, at + 2_000_000),
            Agg("10.0.0.9", 443, 6, 500, at + 1_000_000),
            Agg("10.0.0.20", 53, 17, 4, at), Agg("10.0.0.20", 53, 17, 4, at + 2_000_000),
        ]);
        return true;
    });

    /// <summary>Event time of the seeded edges: 2023-11-14T22:13:20Z.</summary>
    public const long SeedTimeNs = 1_700_000_000L * 1_000_000_000L;

    public async ValueTask DisposeAsync()
    {
        await _subscription.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A straggling SQLite handle; the temp folder is cleaned by the OS eventually.
        }
    }
}
