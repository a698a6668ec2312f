using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using NerfEngine.Tests.ControlNode.Copilot;
using NerfEngine.Tests.ControlNode.Mcp.Support;
using static NerfEngine.Tests.ControlNode.Copilot.OllamaProtocolServer;

namespace NerfEngine.Tests.ControlNode.Mcp;

/// <summary>
/// The copilot and flow-model tools over real HTTP MCP on a real node, with the Ollama-protocol test server (real
/// HTTP, scripted answers) standing in for the model.
/// </summary>
public sealed class CopilotToolsOverHttpTests : IAsyncLifetime
{
    private OllamaProtocolServer _ollama = null!;

    public async Task InitializeAsync() => _ollama = await OllamaProtocolServer.StartAsync();

    public async Task DisposeAsync() => await _ollama.DisposeAsync();

    /// <summary>A node whose copilot talks to <paramref name="ollama"/>; run_tak_ml's 2 s limit is lifted unless <paramref name="keepRateLimit"/>.</summary>
    private static Task<McpTestHost> StartAsync(Uri ollama, bool keepRateLimit = false) => McpTestHost.StartAsync(s =>
    {
        s["Copilot:OllamaBaseUrl"] = ollama.ToString();
        s["Copilot:ModelTimeout"] = "00:00:10";
        if (!keepRateLimit) s["Registry:Tools:run_tak_ml:MinIntervalMs"] = "0";
    });

    private static Uri ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    private static async Task<JsonObject> Ok(McpHttp http, string tool, JsonObject? args, string token = McpTestHost.OperatorToken)
    {
        var reply = await http.CallToolAsync(tool, args, token);
        Assert.True(reply.Status == HttpStatusCode.OK && !reply.IsToolError && reply.Structured is not null, $"{tool}: {reply.Body}");
        return reply.Structured!;
    }

    private static async Task<JsonObject> Error(McpHttp http, string tool, JsonObject? args, string token = McpTestHost.OperatorToken)
    {
        var reply = await http.CallToolAsync(tool, args, token);
        Assert.True(reply.Status == HttpStatusCode.OK && reply.IsToolError, $"{tool}: expected a tool error, got {reply.Body}");
        return reply.ToolError!;
    }

    [Fact]
    public async Task Run_tak_ml_records_the_models_score_on_the_edge_and_later_queries_show_it()
    {
        await using var host = await StartAsync(_ollama.BaseUrl);
        using var http = new McpHttp(host.Url);
        var edgeId = await host.SeedAsync();
        var before = await Ok(http, "get_edge_by_id", new JsonObject { ["edge_id"] = edgeId }, McpTestHost.ObserverToken);
        Assert.Null(before["edge"]!["ml_score"]);
        _ollama.Scores.Enqueue(Score(0.83, "Suspicious", "internal host 10.0.0.5 probes SSH on many hosts"));

        var scored = await Ok(http, "run_tak_ml", new JsonObject { ["edge_id"] = edgeId });

        Assert.True(scored["recorded"]!.GetValue<bool>());
        Assert.Equal(0.83, scored["score"]!.GetValue<double>());
        Assert.Equal("suspicious", scored["label"]!.GetValue<string>());
        Assert.Equal("graph", scored["features"]!["origin"]!.GetValue<string>());
        Assert.Equal(22, scored["features"]!["dst_port"]!.GetValue<int>());
        Assert.Equal(6, scored["features"]!["packets"]!.GetValue<long>());
        // What the model was told came from the graph.
        var told = _ollama.Requests.Last()["messages"]![1]!["content"]!.GetValue<string>();
        Assert.Contains("\"address\":\"10.0.0.9\"", told);
        Assert.Contains("\"bytes\":480", told);

        var after = await Ok(http, "get_edge_by_id", new JsonObject { ["edge_id"] = edgeId }, McpTestHost.ObserverToken);
        Assert.Equal(0.83, after["edge"]!["ml_score"]!["score"]!.GetValue<double>());
        Assert.Equal("llama3.2:3b", after["edge"]!["ml_score"]!["model"]!.GetValue<string>());
        var recent = await Ok(http, "query_recent_edges", new JsonObject { ["limit"] = 50 }, McpTestHost.ObserverToken);
        var row = recent["edges"]!.AsArray().Single(e => e!["edge_id"]!.GetValue<string>() == edgeId)!;
        Assert.Equal("suspicious", row["ml_score"]!["label"]!.GetValue<string>());
        Assert.All(recent["edges"]!.AsArray().Where(e => e!["edge_id"]!.GetValue<string>() != edgeId), e => Assert.Null(e!["ml_score"]));

        _ollama.Scores.Enqueue(Score(0.2, "benign", "second look"));
        var rescored = await Ok(http, "run_tak_ml", new JsonObject { ["edge_id"] = edgeId });
        Assert.Equal(0.83, rescored["previous"]!["score"]!.GetValue<double>());

        var status = await Ok(http, "get_tak_ml_status", null, McpTestHost.ObserverToken);
        Assert.Equal((2L, 2L, 0L), (status["inferences"]!.GetValue<long>(), status["succeeded"]!.GetValue<long>(), status["errors"]!.GetValue<long>()));
        Assert.True(status["reachable"]!.GetValue<bool>());
        Assert.True(status["pulled"]!.GetValue<bool>());
        Assert.True(status["loaded"]!.GetValue<bool>());
        Assert.Equal(_ollama.BaseUrl.ToString(), status["endpoint"]!.GetValue<string>());
        Assert.NotNull(status["last_inference_at"]);
        Assert.True(status["last_latency_ms"]!.GetValue<double>() >= 0);
        Assert.Equal(1, status["scored_edges"]!.GetValue<int>());

        var audit = await host.AuditAsync();
        Assert.Equal(2, audit.Count(r => r.Tool == "run_tak_ml" && r.Mutates && r.Committed));
    }

    [Fact]
    public async Task Invalid_model_output_is_a_clear_tool_error_counted_in_the_status_and_nothing_is_recorded()
    {
        await using var host = await StartAsync(_ollama.BaseUrl);
        using var http = new McpHttp(host.Url);
        var edgeId = await host.SeedAsync();
        _ollama.Scores.Enqueue("""{"score": "very high", "label": "malicious", "rationale": "trust me"}""");
        _ollama.Scores.Enqueue("I think this flow is malicious.");

        var first = await Error(http, "run_tak_ml", new JsonObject { ["edge_id"] = edgeId });
        var second = await Error(http, "run_tak_ml", new JsonObject { ["edge_id"] = edgeId });

        Assert.Equal("INVALID_MODEL_OUTPUT", first["code"]!.GetValue<string>());
        Assert.Contains("\"score\" must be a number in [0, 1]", first["message"]!.GetValue<string>());
        Assert.True(first["retryable"]!.GetValue<bool>());
        Assert.Contains("not JSON", second["message"]!.GetValue<string>());
        var edge = await Ok(http, "get_edge_by_id", new JsonObject { ["edge_id"] = edgeId }, McpTestHost.ObserverToken);
        Assert.Null(edge["edge"]!["ml_score"]);
        var status = await Ok(http, "get_tak_ml_status", null, McpTestHost.ObserverToken);
        Assert.Equal((2L, 2L, 2L, 0L), (status["inferences"]!.GetValue<long>(), status["errors"]!.GetValue<long>(),
            status["invalid_outputs"]!.GetValue<long>(), status["scored_edges"]!.GetValue<int>()));
        Assert.Contains("not JSON", status["last_error"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unreachable_model_is_reported_clearly_while_entity_parse_and_dsl_exec_keep_working()
    {
        await using var host = await StartAsync(ClosedPort());
        using var http = new McpHttp(host.Url);
        var edgeId = await host.SeedAsync();

        var run = await Error(http, "run_tak_ml", new JsonObject { ["edge_id"] = edgeId });
        Assert.Equal("MODEL_UNAVAILABLE", run["code"]!.GetValue<string>());
        Assert.StartsWith("model unavailable: cannot reach Ollama", run["message"]!.GetValue<string>());
        Assert.True(run["retryable"]!.GetValue<bool>());

        var status = await Ok(http, "get_tak_ml_status", null, McpTestHost.ObserverToken);
        Assert.False(status["reachable"]!.GetValue<bool>());
        Assert.False(status["loaded"]!.GetValue<bool>());
        Assert.StartsWith("model unavailable: cannot reach Ollama", status["error"]!.GetValue<string>());
        Assert.Equal(1, status["unavailable_errors"]!.GetValue<long>());

        var report = await Ok(http, "graphops_investigate",
            new JsonObject { ["question"] = "Is 10.0.0.5 scanning port 22 on the 10.0.0.0/24 hosts?" }, McpTestHost.ObserverToken);
        Assert.False(report["model_available"]!.GetValue<bool>());
        Assert.Equal("model_unavailable", report["stop_reason"]!.GetValue<string>());
        Assert.StartsWith("model unavailable:", report["error"]!.GetValue<string>());
        Assert.Equal("10.0.0.5", report["entities"]![0]!["value"]!.GetValue<string>());
        Assert.Equal("10.0.0.5", report["deterministic"]!["focus"]!.GetValue<string>());
        var findings = report["deterministic"]!["findings"]!.AsArray();
        // 10.0.0.5 only sends: the plan measures its spread, not a fan-in.
        Assert.Equal(["FOCUS 10.0.0.5", "ANALYZE fanout", "ANALYZE port_spread", "ANALYZE detections", "ASSESS"],
            findings.Select(f => f!["step"]!.GetValue<string>()));
        Assert.NotNull(report["deterministic"]!["confidence"]);

        var parsed = await Ok(http, "graphops_entity_parse", new JsonObject { ["text"] = "10.0.0.5 → 10.0.0.9:22" }, McpTestHost.ObserverToken);
        Assert.Equal(["10.0.0.5", "10.0.0.9"], parsed["by_kind"]!["ipv4"]!.AsArray().Select(v => v!.GetValue<string>()));
        var dsl = await Ok(http, "graphops_dsl_exec", new JsonObject { ["statements"] = "FOCUS 10.0.0.5\nANALYZE fanout" }, McpTestHost.ObserverToken);
        Assert.Equal(13, dsl["steps"]![1]!["data"]!["value"]!.GetValue<double>());
    }

    [Fact]
    public async Task A_dsl_session_carries_focus_and_evidence_across_calls_and_errors_name_the_line()
    {
        await using var host = await StartAsync(_ollama.BaseUrl);
        using var http = new McpHttp(host.Url);
        await host.SeedAsync();
        var observer = McpTestHost.ObserverToken;

        var first = await Ok(http, "graphops_dsl_exec", new JsonObject { ["statements"] = "FOCUS 10.0.0.9; ANALYZE fanin" }, observer);
        var session = first["session_id"]!.GetValue<string>();
        Assert.True(first["created"]!.GetValue<bool>());
        Assert.Equal(2, first["session"]!["evidence"]!["fanin"]!.GetValue<double>());

        var second = await Ok(http, "graphops_dsl_exec", new JsonObject { ["session_id"] = session, ["statements"] = "ANALYZE fanout\nASSESS" }, observer);
        Assert.False(second["created"]!.GetValue<bool>());
        Assert.Equal("10.0.0.9", second["session"]!["focus"]!.GetValue<string>());
        Assert.Equal(2, second["session"]!["evidence"]!["fanin"]!.GetValue<double>()); // from the first call
        Assert.True(second["steps"]![0]!["ok"]!.GetValue<bool>()); // ANALYZE needed the focus set by the first call
        Assert.NotNull(second["session"]!["last_assessment"]);

        var fresh = await Ok(http, "graphops_dsl_exec", new JsonObject { ["statements"] = "ANALYZE fanin" }, observer);
        Assert.NotEqual(session, fresh["session_id"]!.GetValue<string>());
        Assert.False(fresh["steps"]![0]!["ok"]!.GetValue<bool>()); // a new session has no focus
        Assert.Contains("FOCUS", fresh["steps"]![0]!["summary"]!.GetValue<string>());

        var bad = await Error(http, "graphops_dsl_exec", new JsonObject { ["session_id"] = session, ["statements"] = "SUMMARIZE\nFOCUS 10.0.0.9; PIVOT 10.0.0.5" }, observer);
        Assert.Equal("INVALID_ARGUMENTS", bad["code"]!.GetValue<string>());
        Assert.Contains("statements: line 2, column 17: unknown verb 'PIVOT'", bad["message"]!.GetValue<string>());
        Assert.Contains("SUMMARIZE, ASSESS. Fix them and call again", bad["message"]!.GetValue<string>()); // one period, not two
        var empty = await Error(http, "graphops_dsl_exec", new JsonObject { ["statements"] = "FOCUS" }, observer);
        Assert.Contains("FOCUS takes one IP address or node:0x… id, got ''. Fix them", empty["message"]!.GetValue<string>());
        Assert.DoesNotContain("..", empty["message"]!.GetValue<string>());

        var otherAgent = await Error(http, "graphops_dsl_exec", new JsonObject { ["session_id"] = session, ["statements"] = "SUMMARIZE" }, McpTestHost.OperatorToken);
        Assert.Equal("NOT_FOUND", otherAgent["code"]!.GetValue<string>());

        var closed = await Ok(http, "graphops_dsl_exec", new JsonObject { ["session_id"] = session, ["close"] = true }, observer);
        Assert.True(closed["closed"]!.GetValue<bool>());
        Assert.Null(closed["expires_at"]);
        var gone = await Error(http, "graphops_dsl_exec", new JsonObject { ["session_id"] = session, ["statements"] = "SUMMARIZE" }, observer);
        Assert.Equal("NOT_FOUND", gone["code"]!.GetValue<string>());
        Assert.Contains("Omit session_id to start a new one", gone["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Example_values_never_become_entities_in_entity_parse_or_investigations()
    {
        await using var host = await StartAsync(_ollama.BaseUrl);
        using var http = new McpHttp(host.Url);
        await host.SeedAsync();
        const string Text = "Format like 10.0.0.1 or host:session:abc123 or example.com; the real one is 10.0.0.9 on port 22 (see www.contoso.net, AS64500).";

        var parsed = await Ok(http, "graphops_entity_parse", new JsonObject { ["text"] = Text }, McpTestHost.ObserverToken);

        var values = parsed["entities"]!.AsArray().Select(e => e!["value"]!.GetValue<string>()).ToList();
        Assert.Equal(["10.0.0.9", "22", "www.contoso.net", "AS64500"], values);
        Assert.DoesNotContain("10.0.0.1", values);
        Assert.Equal(["10.0.0.1", "host:session:abc123", "example.com"], parsed["examples_ignored"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["22"], parsed["by_kind"]!["port"]!.AsArray().Select(v => v!.GetValue<string>()));

        // A model that echoes the prompt's example gets that step refused; the real focus is used.
        _ollama.Script(Plan("FOCUS 10.0.0.1", "ANALYZE fanin"), 0.3);
        _ollama.Script(Plan("FOCUS 10.0.0.9", "ANALYZE fanin", "ASSESS"), 0.85);
        var report = await Ok(http, "graphops_investigate", new JsonObject
        {
            ["question"] = Text, ["focus"] = new JsonArray("10.0.0.9"), ["max_steps"] = 3,
        }, McpTestHost.ObserverToken);

        Assert.True(report["model_available"]!.GetValue<bool>());
        Assert.Equal("confidence_reached", report["stop_reason"]!.GetValue<string>());
        Assert.Equal(0.85, report["best_confidence"]!.GetValue<double>());
        Assert.Equal(2, report["best_step"]!.GetValue<int>());
        Assert.Equal(3, report["max_steps"]!.GetValue<int>());
        Assert.Contains("placeholder example value", report["steps"]![0]!["plan_error"]!.GetValue<string>());
        Assert.Equal("ANALYZE fanin", report["steps"]![0]!["plan"]!.GetValue<string>());
        Assert.Equal("10.0.0.9", report["focus"]![0]!["value"]!.GetValue<string>());
        Assert.DoesNotContain(report["entities"]!.AsArray(), e => e!["value"]!.GetValue<string>() == "10.0.0.1");
        Assert.Equal("10.0.0.9", report["deterministic"]!["focus"]!.GetValue<string>());
        var plansAsked = _ollama.Requests.Where(r => r["messages"]![0]!["content"]!.GetValue<string>().Contains("DSL")).ToList();
        Assert.DoesNotContain("ipv4 10.0.0.1", plansAsked[0]["messages"]![1]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Investigate_honours_max_steps_and_refuses_a_focus_that_is_not_an_address()
    {
        await using var host = await StartAsync(_ollama.BaseUrl);
        using var http = new McpHttp(host.Url);
        await host.SeedAsync();
        _ollama.Script(Plan("FOCUS 10.0.0.9", "ANALYZE fanin"), 0.3);
        _ollama.Script(Plan("ANALYZE fanout"), 0.4);
        _ollama.Script(Plan("ANALYZE temporal_sync"), 0.5);

        var report = await Ok(http, "graphops_investigate", new JsonObject { ["question"] = "What is 10.0.0.9 doing?", ["max_steps"] = 2 }, McpTestHost.ObserverToken);

        Assert.Equal("step_limit", report["stop_reason"]!.GetValue<string>());
        Assert.Equal(2, report["steps"]!.AsArray().Count);
        Assert.Equal(0.4, report["best_confidence"]!.GetValue<double>());

        var bad = await Error(http, "graphops_investigate", new JsonObject { ["question"] = "x", ["focus"] = new JsonArray("evil.example.org") }, McpTestHost.ObserverToken);
        Assert.Equal("INVALID_ARGUMENTS", bad["code"]!.GetValue<string>());
        Assert.Contains("focus[0]", bad["message"]!.GetValue<string>());
        var tooMany = await Error(http, "graphops_investigate", new JsonObject { ["question"] = "x", ["max_steps"] = 7 }, McpTestHost.ObserverToken);
        Assert.Equal("INVALID_ARGUMENTS", tooMany["code"]!.GetValue<string>());
        var crowd = new JsonArray(Enumerable.Range(1, 9).Select(i => (JsonNode?)$"10.0.0.{i}").ToArray());
        var tooManyFocus = await Error(http, "graphops_investigate", new JsonObject { ["question"] = "x", ["focus"] = crowd }, McpTestHost.ObserverToken);
        Assert.Contains("focus: 9 entities, at most 8", tooManyFocus["message"]!.GetValue<string>());
        Assert.Equal(2, _ollama.PlanRequests); // two steps ran; the refused calls never reached the model
    }

    [Fact]
    public async Task An_inline_flow_is_scored_and_recorded_only_when_the_graph_has_its_edge()
    {
        await using var host = await StartAsync(_ollama.BaseUrl);
        using var http = new McpHttp(host.Url);
        var edgeId = await host.SeedAsync();
        _ollama.Scores.Enqueue(Score(0.7, "suspicious"));
        _ollama.Scores.Enqueue(Score(0.1, "benign"));

        var known = await Ok(http, "run_tak_ml", new JsonObject
        {
            ["flow"] = new JsonObject { ["src"] = "10.0.0.5", ["dst"] = "10.0.0.9", ["dst_port"] = 22, ["protocol"] = 6, ["packets"] = 10, ["bytes"] = 900 },
        });
        var unknown = await Ok(http, "run_tak_ml", new JsonObject
        {
            ["flow"] = new JsonObject { ["src"] = "192.0.2.1", ["dst"] = "10.0.0.9", ["dst_port"] = 3389, ["protocol"] = 6 },
        });

        Assert.True(known["recorded"]!.GetValue<bool>());
        Assert.Equal(edgeId, known["edge_id"]!.GetValue<string>());
        Assert.Equal("inline", known["features"]!["origin"]!.GetValue<string>());
        Assert.False(unknown["recorded"]!.GetValue<bool>());
        Assert.Null(unknown["edge_id"]);
        Assert.Contains("recorded nowhere", unknown["not_recorded_reason"]!.GetValue<string>());
        Assert.Equal("external", unknown["features"]!["src"]!["class"]!.GetValue<string>());
        var edge = await Ok(http, "get_edge_by_id", new JsonObject { ["edge_id"] = edgeId }, McpTestHost.ObserverToken);
        Assert.Equal(0.7, edge["edge"]!["ml_score"]!["score"]!.GetValue<double>());

        var both = await Error(http, "run_tak_ml", new JsonObject { ["edge_id"] = edgeId, ["flow"] = new JsonObject { ["src"] = "10.0.0.5", ["dst"] = "10.0.0.9" } });
        Assert.Contains("give exactly one", both["message"]!.GetValue<string>());
        var missing = await Error(http, "run_tak_ml", new JsonObject { ["edge_id"] = "0x1-0x2-0x3" });
        Assert.Equal("NOT_FOUND", missing["code"]!.GetValue<string>());
        Assert.Equal(2, _ollama.ScoreRequests); // refused calls never reached the model
    }

    [Fact]
    public async Task Run_tak_ml_is_a_budgeted_mutation_two_seconds_apart_across_agents()
    {
        await using var host = await StartAsync(_ollama.BaseUrl, keepRateLimit: true);
        using var http = new McpHttp(host.Url);
        var edgeId = await host.SeedAsync();

        var observer = await Error(http, "run_tak_ml", new JsonObject { ["edge_id"] = edgeId }, McpTestHost.ObserverToken);
        Assert.Equal("MODE_NOT_PERMITTED", observer["code"]!.GetValue<string>());
        await Ok(http, "run_tak_ml", new JsonObject { ["edge_id"] = edgeId });
        var limited = await Error(http, "run_tak_ml", new JsonObject { ["edge_id"] = edgeId }, McpTestHost.AdminToken);

        Assert.Equal("RATE_LIMITED", limited["code"]!.GetValue<string>());
        Assert.True(limited["retry_after_ms"]!.GetValue<long>() is > 0 and <= 2000);
        Assert.Equal(1, _ollama.ScoreRequests);
        // The refused call is a rate-limit hit, not a mutation; only the scored call spent a unit.
        var metrics = (await Ok(http, "get_tool_metrics", new JsonObject { ["tool"] = "run_tak_ml" }, McpTestHost.ObserverToken))["tools"]![0]!;
        Assert.Equal((1L, 1L, 3L), (metrics["mutations"]!.GetValue<long>(), metrics["rate_limited"]!.GetValue<long>(), metrics["invocations"]!.GetValue<long>()));
        var admin = (await Ok(http, "list_tools_schema", new JsonObject { ["tool"] = "run_tak_ml" }, McpTestHost.AdminToken))["agent"]!;
        Assert.Equal(1000, admin["mutations_remaining"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_agent_retrying_a_dead_model_as_told_spends_none_of_its_budget()
    {
        await using var host = await StartAsync(ClosedPort());
        using var http = new McpHttp(host.Url);
        var edgeId = await host.SeedAsync();

        // The frugal agent's budget is 3 an hour; it retries five times, as MODEL_UNAVAILABLE's retryable flag invites.
        for (var i = 0; i < 5; i++)
        {
            var run = await Error(http, "run_tak_ml", new JsonObject { ["edge_id"] = edgeId }, McpTestHost.FrugalToken);
            Assert.Equal("MODEL_UNAVAILABLE", run["code"]!.GetValue<string>());
            Assert.True(run["retryable"]!.GetValue<bool>());
        }

        var agent = (await Ok(http, "list_tools_schema", new JsonObject { ["tool"] = "run_tak_ml" }, McpTestHost.FrugalToken))["agent"]!;
        Assert.Equal(3, agent["mutations_remaining"]!.GetValue<int>());
        var metrics = (await Ok(http, "get_tool_metrics", new JsonObject { ["tool"] = "run_tak_ml" }, McpTestHost.ObserverToken))["tools"]![0]!;
        Assert.Equal((0L, 5L), (metrics["mutations"]!.GetValue<long>(), metrics["errors"]!.GetValue<long>()));
        // Budget is still there for a real mutation.
        await Ok(http, "prune_below_weight", new JsonObject { ["min_weight"] = 0 }, McpTestHost.FrugalToken);
        var audit = (await host.AuditAsync()).Where(r => r.Tool == "run_tak_ml").ToList();
        Assert.Equal(5, audit.Count(r => r.Outcome == NerfEngine.Control.Registry.Audit.AuditOutcomes.NoEffect && r.ErrorCode == "MODEL_UNAVAILABLE"));
    }
}
