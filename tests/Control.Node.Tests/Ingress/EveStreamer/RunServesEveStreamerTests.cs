using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using NerfEngine.Tests.ControlNode.Mcp.Support;
using NerfEngine.Tests.ControlNode.Support;
using Xunit.Abstractions;

namespace NerfEngine.Tests.ControlNode.Ingress.EveStreamer;

/// <summary>
/// End to end through the real executable: <c>Control.Node run</c> with the ingress enabled, npm's @grpc/grpc-js client
/// (tests/interop/grpc) streaming events to it, and the events reaching the graph as edges only once an agent calls
/// ingest_live_event over HTTP MCP.
/// </summary>
public sealed class RunServesEveStreamerTests(ITestOutputHelper output) : IDisposable
{
    private const int EventCount = 120;
    private readonly string _dir = Directory.CreateTempSubdirectory("nerf-ingress-run-").FullName;
    private readonly string _agentToken = $"ops-{Guid.NewGuid():N}";
    private readonly string _shipperToken = $"shipper-{Guid.NewGuid():N}";

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Run_serves_the_ingress_and_streamed_events_become_edges_only_through_ingest_live_event()
    {
        int grpcPort = FreePort();
        await using var node = await ControlNodeServer.StartAsync(_dir,
        [
            "--set", "Management:Hostname=127.0.0.1", "--set", "Management:Port=0",
            "--set", "Mcp:Agents:0:Name=ops", "--set", $"Mcp:Agents:0:Token={_agentToken}", "--set", "Mcp:Agents:0:Mode=admin",
            "--set", "Ingress:EveStreamer:Enabled=true", "--set", $"Ingress:EveStreamer:Port={grpcPort}",
            "--set", "Ingress:EveStreamer:Tokens:0:Name=shipper", "--set", $"Ingress:EveStreamer:Tokens:0:Token={_shipperToken}",
        ]);
        var mcp = new McpHttp(node.McpUrl);
        Assert.Equal(0, await EdgeCountAsync(mcp));

        var run = await RunInteropClientAsync(grpcPort, node);
        Assert.Contains($"ok   all {EventCount} events accepted, {EventCount} queued, 0 dropped by the queue's filters", run.Stdout);

        // Streamed events wait in the queue: nothing reached the graph yet.
        var status = await CallAsync(mcp, "get_live_ingest_status");
        long queued = status["queue"]!["queued"]!.GetValue<long>();
        Assert.True(queued >= EventCount, status.ToJsonString());
        Assert.Equal(0, await EdgeCountAsync(mcp));

        var ingest = await CallAsync(mcp, "ingest_live_event", new JsonObject { ["max_events"] = 5000 });
        Assert.True(ingest["events_committed"]!.GetValue<int>() >= EventCount, ingest.ToJsonString());
        Assert.Equal(0, ingest["remaining"]!.GetValue<int>());

        var recent = await CallAsync(mcp, "query_recent_edges", new JsonObject { ["since"] = "2026-01-01T00:00:00Z", ["limit"] = 1000 });
        var edges = recent["edges"]!.AsArray();
        Assert.Contains(edges, e => e!["src"]!["address"]!.GetValue<string>() == "10.1.0.42" && e["dst"]!["address"]!.GetValue<string>() == "10.2.0.1");
        Assert.True(await EdgeCountAsync(mcp) >= EventCount);

        // The same events again are repeats the novelty filter drops: still accepted (the check passes), and the client
        // says so instead of reporting them as if they had been queued.
        var rerun = await RunInteropClientAsync(grpcPort, node);
        Assert.Contains($"ok   all {EventCount} events accepted, 0 queued, {EventCount} dropped by the queue's filters (0 above baseline, {EventCount} low novelty, 0 queue full)", rerun.Stdout);
    }

    private async Task<ExternalProcess.Result> RunInteropClientAsync(int grpcPort, ControlNodeServer node)
    {
        var script = Path.Combine(ExternalProcess.RepoRoot(), "tests", "interop", "grpc");
        await ExternalProcess.NpmCiAsync(script, Path.Combine("@grpc", "grpc-js"));
        var run = await ExternalProcess.RunAsync(script, TimeSpan.FromMinutes(2),
            new Dictionary<string, string>
            {
                ["GRPC_TARGET"] = $"127.0.0.1:{grpcPort}",
                ["GRPC_TOKEN"] = _shipperToken,
                ["EVENT_COUNT"] = EventCount.ToString(CultureInfo.InvariantCulture),
                ["RUN_ID"] = "run",
            },
            "node", "client.mjs");
        output.WriteLine(run.Stdout);
        Assert.True(run.ExitCode == 0, $"interop client failed: {run.Stdout}\n{run.Stderr}\nNode output:\n{node.Output}");
        return run;
    }

    private async Task<JsonObject> CallAsync(McpHttp mcp, string tool, JsonObject? args = null)
    {
        var reply = await mcp.CallToolAsync(tool, args, _agentToken);
        Assert.True(reply.Structured is not null && !reply.IsToolError, $"{tool}: {reply.Body}");
        return reply.Structured!;
    }

    private async Task<long> EdgeCountAsync(McpHttp mcp) =>
        (await CallAsync(mcp, "get_engine_metrics"))["graph"]!["edges"]!.GetValue<long>();

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
