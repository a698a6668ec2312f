using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NerfEngine.Control.Registry.Audit;
using NerfEngine.Tests.ControlNode.Mcp.Support;

namespace NerfEngine.Tests.ControlNode.Mcp;

/// <summary>
/// The bad-input table: each kind of bad request gets its specific error, changes nothing in the engine, and
/// leaves an audit record. Every case carries (or tries to carry) a set_decay_lambda or prune call, so "changed
/// nothing" is checked on the graph itself: λ stays at its configured 0.01 and no edge disappears.
/// </summary>
public sealed class BadInputTableTests
{
    private const double InitialLambda = 0.01;

    private static readonly byte[] LambdaCall =
        Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"set_decay_lambda","arguments":{"lambda":0.5}}}""");

    public static TheoryData<string> Cases =>
    [
        "malformed_json", "not_json_rpc", "wrong_parameter_types", "arguments_not_an_object", "unknown_tool", "unknown_method",
        "missing_token", "invalid_token", "wrong_origin", "oversized_body", "wrong_accept", "path_traversal_in_ingest_pcap",
        "symlink_escape_in_ingest_pcap", "absent_pcap", "over_budget", "inside_rate_limit_interval", "mode_too_low",
        "repeated_argument_name",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_gets_the_right_error_executes_nothing_and_is_audited(string scenario)
    {
        await using var host = await McpTestHost.StartAsync(s => s["Mcp:MaxRequestBytes"] = "65536");
        using var http = new McpHttp(host.Url);
        await host.SeedAsync();
        var edgesBefore = await host.Engine.QueryAsync(c => c.Graph.EdgeCount);

        var (reply, outcome) = await RunAsync(scenario, host, http);

        Assert.Equal(InitialLambda, await host.Engine.QueryAsync(c => c.Graph.DecayLambdaPerSecond), 9);
        Assert.Equal(edgesBefore, await host.Engine.QueryAsync(c => c.Graph.EdgeCount));
        Assert.Empty(host.Jobs.Recent(10));

        var audit = await host.AuditAsync();
        Assert.Contains(audit, r => r.Outcome == outcome);
        Assert.DoesNotContain(audit, r => r.Committed && r.Outcome == AuditOutcomes.Ok && r.Tool is "set_decay_lambda" && r.Params!.Contains("0.5", StringComparison.Ordinal));
        Assert.All(audit.Where(r => r.Outcome == outcome), r => Assert.False(r.Committed));
        _ = reply;
    }

    private static async Task<(McpHttp.Reply Reply, string Outcome)> RunAsync(string scenario, McpTestHost host, McpHttp http)
    {
        var admin = McpTestHost.AdminToken;
        switch (scenario)
        {
            case "malformed_json":
            {
                var reply = await http.PostRawAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"set_decay_lambda\",\"arguments\":{\"lambda\":0.5}"u8.ToArray(), admin);
                Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
                Assert.Equal(-32700, reply.ErrorCode);
                return (reply, AuditOutcomes.ParseError);
            }

            case "not_json_rpc":
            {
                var reply = await http.PostRawAsync("[1,2,3]"u8.ToArray(), admin);
                Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
                Assert.Equal(-32600, reply.ErrorCode);
                return (reply, AuditOutcomes.InvalidRequest);
            }

            case "wrong_parameter_types":
            {
                var reply = await http.CallToolAsync("set_decay_lambda", new JsonObject { ["lambda"] = "fast", ["turbo"] = true }, admin);
                Assert.Equal(HttpStatusCode.OK, reply.Status);
                Assert.True(reply.IsToolError, reply.Body);
                var error = reply.ToolError!;
                Assert.Equal("INVALID_ARGUMENTS", error["code"]!.GetValue<string>());
                Assert.False(error["retryable"]!.GetValue<bool>());
                var details = error["details"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
                Assert.Equal(2, details.Count); // every problem, not just the first
                Assert.Contains(details, d => d.StartsWith("lambda:", StringComparison.Ordinal));
                Assert.Contains(details, d => d.StartsWith("turbo:", StringComparison.Ordinal));
                return (reply, AuditOutcomes.InvalidArguments);
            }

            case "arguments_not_an_object":
            {
                var reply = await http.RequestAsync("tools/call", new JsonObject { ["name"] = "set_decay_lambda", ["arguments"] = 0.5 }, admin);
                Assert.Equal(-32602, reply.ErrorCode);
                return (reply, AuditOutcomes.InvalidParams);
            }

            case "unknown_tool":
            {
                var reply = await http.CallToolAsync("drop_all_edges", new JsonObject(), admin);
                Assert.Equal(HttpStatusCode.OK, reply.Status);
                Assert.Equal(-32602, reply.ErrorCode);
                Assert.Contains("drop_all_edges", reply.ErrorMessage, StringComparison.Ordinal);
                return (reply, AuditOutcomes.UnknownTool);
            }

            case "unknown_method":
            {
                var reply = await http.RequestAsync("graph/explode", new JsonObject { ["lambda"] = 0.5 }, admin);
                Assert.Equal(-32601, reply.ErrorCode);
                return (reply, AuditOutcomes.MethodNotFound);
            }

            case "missing_token":
            {
                var reply = await http.PostRawAsync(LambdaCall, token: null);
                Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
                Assert.StartsWith("Bearer realm=\"nerf\", error=\"invalid_token\"", reply.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
                return (reply, AuditOutcomes.Unauthorized);
            }

            case "invalid_token":
            {
                var reply = await http.PostRawAsync(LambdaCall, token: "guess");
                Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
                Assert.Contains("invalid_token", reply.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
                return (reply, AuditOutcomes.Unauthorized);
            }

            case "wrong_origin":
            {
                var reply = await http.PostRawAsync(LambdaCall, admin, origin: "http://evil.example");
                Assert.Equal(HttpStatusCode.Forbidden, reply.Status);
                var allowed = await http.PostRawAsync(
                    Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}"""), admin, origin: McpTestHost.AllowedOrigin);
                Assert.Equal(HttpStatusCode.OK, allowed.Status);
                return (reply, AuditOutcomes.ForbiddenOrigin);
            }

            case "oversized_body":
            {
                var padding = new string('x', 70_000);
                var body = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"set_decay_lambda","arguments":{"lambda":0.5},"_meta":{"pad":" """ + padding + "\"}}}");
                var reply = await http.PostRawAsync(body, admin);
                Assert.Equal(HttpStatusCode.RequestEntityTooLarge, reply.Status);
                return (reply, AuditOutcomes.PayloadTooLarge);
            }

            case "wrong_accept":
            {
                var reply = await http.PostRawAsync(LambdaCall, admin, accept: "text/html");
                Assert.Equal(HttpStatusCode.NotAcceptable, reply.Status);
                return (reply, AuditOutcomes.NotAcceptable);
            }

            case "path_traversal_in_ingest_pcap":
            {
                var reply = await http.CallToolAsync("ingest_pcap", new JsonObject { ["path"] = "../../../../etc/passwd" }, McpTestHost.OperatorToken);
                Assert.Equal("PATH_NOT_ALLOWED", reply.ToolError?["code"]?.GetValue<string>());
                return (reply, AuditOutcomes.InvalidArguments);
            }

            case "symlink_escape_in_ingest_pcap":
            {
                var outside = Path.Combine(host.Directory, "outside.pcap");
                await File.WriteAllBytesAsync(outside, new byte[64]);
                File.CreateSymbolicLink(Path.Combine(host.PcapDirectory, "innocent.pcap"), outside);
                var reply = await http.CallToolAsync("ingest_pcap", new JsonObject { ["path"] = "innocent.pcap" }, McpTestHost.OperatorToken);
                Assert.Equal("PATH_NOT_ALLOWED", reply.ToolError?["code"]?.GetValue<string>());
                Assert.Contains("symbolic link", reply.ToolError!["message"]!.GetValue<string>(), StringComparison.Ordinal);
                return (reply, AuditOutcomes.InvalidArguments);
            }

            case "absent_pcap":
            {
                var reply = await http.CallToolAsync("ingest_pcap", new JsonObject { ["path"] = "missing.pcap" }, McpTestHost.OperatorToken);
                Assert.Equal("NOT_FOUND", reply.ToolError?["code"]?.GetValue<string>());
                return (reply, AuditOutcomes.ToolError);
            }

            case "over_budget":
            {
                for (var i = 0; i < 3; i++)
                {
                    var ok = await http.CallToolAsync("prune_below_weight", new JsonObject { ["min_weight"] = 0 }, McpTestHost.FrugalToken);
                    Assert.False(ok.IsToolError, ok.Body);
                }

                var reply = await http.CallToolAsync("prune_below_weight", new JsonObject { ["min_weight"] = 1e9 }, McpTestHost.FrugalToken);
                var error = reply.ToolError!;
                Assert.Equal("MUTATION_BUDGET_EXCEEDED", error["code"]!.GetValue<string>());
                Assert.True(error["retryable"]!.GetValue<bool>());
                Assert.InRange(error["retry_after_ms"]!.GetValue<long>(), 3_500_000, 3_600_000);
                return (reply, AuditOutcomes.MutationBudgetExceeded);
            }

            case "inside_rate_limit_interval":
            {
                var first = await http.CallToolAsync("set_decay_lambda", new JsonObject { ["lambda"] = InitialLambda }, McpTestHost.OperatorToken);
                Assert.False(first.IsToolError, first.Body);
                var reply = await http.CallToolAsync("set_decay_lambda", new JsonObject { ["lambda"] = 0.5 }, McpTestHost.OperatorToken);
                var error = reply.ToolError!;
                Assert.Equal("RATE_LIMITED", error["code"]!.GetValue<string>());
                Assert.True(error["retryable"]!.GetValue<bool>());
                Assert.InRange(error["retry_after_ms"]!.GetValue<long>(), 1, 1000);
                return (reply, AuditOutcomes.RateLimited);
            }

            case "mode_too_low":
            {
                var reply = await http.CallToolAsync("set_decay_lambda", new JsonObject { ["lambda"] = 0.5 }, McpTestHost.ObserverToken);
                Assert.Equal("MODE_NOT_PERMITTED", reply.ToolError?["code"]?.GetValue<string>());
                return (reply, AuditOutcomes.ModeNotPermitted);
            }

            case "repeated_argument_name":
            {
                // Validation and deserialization must never see different values of one name.
                var reply = await http.PostRawAsync(
                    """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"set_decay_lambda","arguments":{"lambda":0.02,"lambda":0.5}}}"""u8.ToArray(), admin);
                Assert.True(reply.Status == HttpStatusCode.OK, reply.Body);
                Assert.True(reply.ErrorCode == -32602 || reply.ToolError?["code"]?.GetValue<string>() == "INVALID_ARGUMENTS", reply.Body);
                return (reply, reply.ErrorCode is null ? AuditOutcomes.InvalidArguments : AuditOutcomes.InvalidParams);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "no such case");
        }
    }
}
