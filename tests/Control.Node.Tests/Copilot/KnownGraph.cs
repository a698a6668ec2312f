using System.Net;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Control.Engine;
using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Messages.Hashing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Tests.ControlNode.Copilot;

/// <summary>
/// A small graph with a known answer, in a real <see cref="GraphEngine"/> on an actor system:
/// <list type="bullet">
/// <item>established at T0: 10.10.0.5 → victim 10.10.0.80:22, victim → 10.10.0.90:5432 → 10.10.0.95:6379;</item>
/// <item>burst at T0 + 600 s: 12 external sources (198.51.100.1–6, 203.0.113.1–6) → victim:443 within 120 ms;</item>
/// <item>with a scanner only: at T0 + 601 s, 192.0.2.66 probes the database on ports 1–60 (SYN and RST, 2 packets each).</item>
/// </list>
/// Decay is near zero so weights stay at their record counts.
/// </summary>
internal sealed class KnownGraph : IAsyncDisposable
{
    public const string Victim = "10.10.0.80";
    public const string Admin = "10.10.0.5";
    public const string Database = "10.10.0.90";
    public const string Cache = "10.10.0.95";
    public const string Scanner = "192.0.2.66";
    public const int ScannedPorts = 60;
    public const int BurstSources = 12;
    public const long T0 = 1_700_000_000_000_000_000;
    public const long BurstAt = T0 + 600_000_000_000;

    private readonly ActorSystem _system;

    private KnownGraph(ActorSystem system, GraphEngine engine)
    {
        _system = system;
        Engine = engine;
    }

    public GraphEngine Engine { get; }

    public static ulong Id(string ip) => NodeAddress.FromIPAddress(IPAddress.Parse(ip)).NodeId;

    public static IEnumerable<string> Sources() =>
        Enumerable.Range(1, BurstSources / 2).SelectMany(i => new[] { $"198.51.100.{i}", $"203.0.113.{i}" });

    public static async Task<KnownGraph> StartAsync(bool withScanner = false)
    {
        var system = ActorSystem.Create("copilot-test");
        var core = new EngineCore(new EngineOptions { Graph = new HypergraphOptions { DecayLambdaPerSecond = 1e-9 } });
        var engine = new GraphEngine(system, core);
        await engine.QueryAsync(c =>
        {
            foreach (string ip in Sources().Concat([Victim, Admin, Database, Cache, Scanner]))
            {
                c.Directory.Register(IPAddress.Parse(ip));
            }

            var edges = new List<GraphEdge>
            {
                Edge(Admin, Victim, 22, T0),
                Edge(Victim, Database, 5432, T0),
                Edge(Database, Cache, 6379, T0),
            };
            int n = 0;
            foreach (string source in Sources())
            {
                edges.Add(Edge(source, Victim, 443, BurstAt + n++ * 10_000_000L));
            }

            for (int port = 1; withScanner && port <= ScannedPorts; port++)
            {
                edges.Add(Edge(Scanner, Database, (ushort)port, BurstAt + 1_000_000_000L + port * 2_000_000L) with { Packets = 2, Bytes = 80 });
            }

            c.Observe(edges.ToArray());
            return true;
        });
        return new KnownGraph(system, engine);
    }

    public static GraphEdge Edge(string src, string dst, ushort port, long ts) => new()
    {
        TimestampNs = (ulong)ts,
        SrcNode = Id(src),
        DstNode = Id(dst),
        EdgeHash = Fnv1a64.EdgeHash(Id(dst), port, 6),
        Packets = 3,
        Bytes = 180,
        SrcPort = 40000,
        DstPort = port,
        Protocol = 6,
        Kind = EdgeKind.Open,
        IpVersion = 4,
    };

    public ValueTask DisposeAsync() => _system.DisposeAsync();
}
