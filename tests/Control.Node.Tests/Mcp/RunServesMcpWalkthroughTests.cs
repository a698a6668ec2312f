using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using NerfEngine.Tests.ControlNode.Mcp.Support;
using NerfEngine.Tests.ControlNode.Support;

namespace NerfEngine.Tests.ControlNode.Mcp;

/// <summary>
/// What a new user meets walking through the README against the real executable: <c>Control.Node run</c> with two agents
/// and the eve-streamer ingress, then plain HTTP calls to <c>/mcp</c> as curl or a JSON-only client would make them.
/// </summary>
public sealed class RunServesMcpWalkthroughTests(RunServesMcpWalkthroughTests.ServingNode serving) : IClassFixture<RunServesMcpWalkthroughTests.ServingNode>
{
    private static readonly byte[] StatusCall = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"status","arguments":{}}}""");

    [Fact]
    public void The_banner_names_the_mcp_endpoint_its_agents_and_the_grpc_ingress_port()
    {
        var output = serving.Node.Output;
        Assert.Matches($@"│ mcp\s+│ {System.Text.RegularExpressions.Regex.Escape(serving.Node.McpUrl.ToString())} \(2 agents configured\)\s+│", output);
        Assert.Matches($@"│ eve-streamer gRPC\s+│ 127\.0\.0\.1:{serving.GrpcPort} ", output);
    }

    [Fact]
    public async Task A_client_accepting_only_json_is_told_exactly_which_accept_header_to_send()
    {
        using var http = new McpHttp(serving.Node.McpUrl);

        var reply = await http.PostRawAsync(StatusCall, serving.Token, accept: "application/json");

        Assert.Equal(HttpStatusCode.NotAcceptable, reply.Status);
        Assert.StartsWith("Send the header 'Accept: application/json, text/event-stream'", reply.ErrorMessage);
        Assert.EndsWith("this request sent 'Accept: application/json'.", reply.ErrorMessage);
        var ok = await http.PostRawAsync(StatusCall, serving.Token, accept: "application/json, text/event-stream");
        Assert.Equal(HttpStatusCode.OK, ok.Status);
    }

    [Fact]
    public async Task An_unknown_tool_is_logged_as_refused_bad_input_without_a_stack_trace()
    {
        using var http = new McpHttp(serving.Node.McpUrl);
        var tool = $"statuz{Guid.NewGuid():N}";

        var reply = await http.CallToolAsync(tool, null, serving.Token);

        Assert.Equal(-32602, reply.ErrorCode);
        var logged = await WaitForOutputAsync(tool);
        var line = Assert.Single(logged.Split('\n'), l => l.Contains(tool, StringComparison.Ordinal));
        Assert.Contains("info:", line);
        Assert.Contains($"MCP request refused (InvalidParams) tools/call \"{tool}\": Unknown tool", line);
        Assert.DoesNotContain("threw an unhandled exception", logged);
        Assert.DoesNotContain("McpProtocolException", logged);
    }

    [Fact]
    public async Task A_proposal_with_invalid_arguments_is_reported_as_invalid_even_in_observe_only_phase_0()
    {
        using var http = new McpHttp(serving.Node.McpUrl);
        var proposal = new JsonObject
        {
            ["tool"] = "set_decay_lambda", ["confidence"] = 0.9, ["justification"] = "slower decay",
            ["arguments"] = new JsonObject { ["lambda_per_second"] = 0.02 },
        };

        var reply = await http.CallToolAsync("propose", proposal, serving.Token);

        Assert.True(reply.IsToolError, reply.Body);
        Assert.Equal("INVALID_ARGUMENTS", reply.ToolError!["code"]!.GetValue<string>());
        var message = reply.ToolError["message"]!.GetValue<string>();
        Assert.Contains("arguments of set_decay_lambda:", message);
        Assert.Contains("lambda", message.Replace("lambda_per_second", "", StringComparison.Ordinal));
        var status = await http.CallToolAsync("status", null, serving.Token);
        Assert.Equal(0, status.Structured!["phase"]!.GetValue<int>()); // still phase 0: the phase gate was not what answered
    }

    private async Task<string> WaitForOutputAsync(string text)
    {
        for (var i = 0; i < 50 && !serving.Node.Output.Contains(text, StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        return serving.Node.Output;
    }

    /// <summary>One serving node for the walkthrough: an admin and an observer agent, the gRPC ingress on a free port.</summary>
    public sealed class ServingNode : IAsyncLifetime
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("nerf-walkthrough-").FullName;

        internal ControlNodeServer Node { get; private set; } = null!;

        public string Token { get; } = $"ops-{Guid.NewGuid():N}";

        public int GrpcPort { get; private set; }

        public async Task InitializeAsync()
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                GrpcPort = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            Node = await ControlNodeServer.StartAsync(_dir,
            [
                "--set", "Management:Hostname=127.0.0.1", "--set", "Management:Port=0",
                "--set", "Mcp:Agents:0:Name=ops", "--set", $"Mcp:Agents:0:Token={Token}", "--set", "Mcp:Agents:0:Mode=admin",
                "--set", "Mcp:Agents:1:Name=watcher", "--set", $"Mcp:Agents:1:Token=watch-{Guid.NewGuid():N}",
                "--set", "Ingress:EveStreamer:Enabled=true", "--set", $"Ingress:EveStreamer:Port={GrpcPort}",
                "--set", "Ingress:EveStreamer:Tokens:0:Name=shipper", "--set", $"Ingress:EveStreamer:Tokens:0:Token=ship-{Guid.NewGuid():N}",
            ]);
        }

        public async Task DisposeAsync()
        {
            await Node.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_dir, recursive: true);
        }
    }
}
