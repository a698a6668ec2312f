using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NerfEngine.Control.Copilot;
using NerfEngine.Control.Registry.Ingest;
using NerfEngine.Control.Scenarios;
using NerfEngine.Tests.ControlNode.Copilot;
using NerfEngine.Tests.ControlNode.LiveIngest.Support;
using NerfEngine.Tests.ControlNode.Mcp.Support;

namespace NerfEngine.Tests.ControlNode.Mcp;

/// <summary>Every tool of the registry is called over real HTTP (Kestrel on loopback) and its structuredContent checked against its published outputSchema.</summary>
public sealed class EveryToolOverHttpTests
{
    [Fact]
    public async Task Every_registered_tool_answers_over_http_with_output_that_matches_its_published_schema()
    {
        await using var ollama = await OllamaProtocolServer.StartAsync();
        await using var eve = await EveStreamServer.StartAsync(async (socket, _, ct) =>
        {
            await EveStreamServer.SendAsync(socket, EveStreamServer.Flow(1), ct);
            await EveStreamServer.HoldAsync(socket, ct);
        });
        await using var host = await McpTestHost.StartAsync(s =>
        {
            s["Copilot:OllamaBaseUrl"] = ollama.BaseUrl.ToString();
            s["LiveIngest:StreamTokens:sensor-a"] = EveStreamServer.Token;
        }, withExecutor: true);
        using var http = new McpHttp(host.Url);
        var edgeId = await host.SeedAsync();
        await host.SeedServicesAsync();
        // Attached as `run` attaches it: the autonomous-tier card fed next is investigated in the background.
        var investigator = host.Services.GetRequiredService<CopilotInvestigator>();
        await Detections.FeedAsync(host.Engine, 0xfeed, McpTestHost.SeedTimeNs + 1_000_000_000);
        ScenarioCatalog.Write("vertical-scan", 7, Path.Combine(host.PcapDirectory, "scan.pcap"), withBackground: false);

        var schemas = (await http.ListToolsAsync(McpTestHost.AdminToken)).Select(t => t!.AsObject())
            .ToDictionary(t => t["name"]!.GetValue<string>(), t => t["outputSchema"]!);
        var called = new HashSet<string>(StringComparer.Ordinal);

        async Task<JsonObject> Call(string tool, string token, JsonObject? args = null)
        {
            var reply = await http.CallToolAsync(tool, args, token);
            Assert.True(reply.Status == HttpStatusCode.OK, $"{tool}: HTTP {(int)reply.Status} {reply.Body}");
            Assert.True(reply.Result is not null && !reply.IsToolError, $"{tool}: {reply.Body}");
            var structured = reply.Structured ?? throw new Xunit.Sdk.XunitException($"{tool}: no structuredContent in {reply.Body}");
            var problems = await SchemaCheck.ValidateAsync(schemas[tool], structured);
            Assert.True(problems.Count == 0, $"{tool}: structuredContent fails its outputSchema: {string.Join("; ", problems)}");
            var text = reply.Result!["content"]![0]!["text"]!.GetValue<string>();
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(text), structured), $"{tool}: text content is not a copy of structuredContent");
            called.Add(tool);
            return structured;
        }

        var observer = McpTestHost.ObserverToken;
        var op = McpTestHost.OperatorToken;
        var admin = McpTestHost.AdminToken;

        var schema = await Call("list_tools_schema", observer);
        Assert.Equal("observer", schema["agent"]!["name"]!.GetValue<string>());
        await Call("get_tool_metrics", observer, new JsonObject { ["tool"] = "list_tools_schema" });

        var snapshot = await Call("export_graph_snapshot", observer, new JsonObject { ["limit"] = 5 });
        Assert.Equal(5, snapshot["edges"]!.AsArray().Count);
        Assert.True(snapshot["envelope"]!["truncated"]!.GetValue<bool>());
        var hot = await Call("query_hot_entities", observer, new JsonObject { ["n"] = 3, ["rank"] = "degree" });
        Assert.Equal("10.0.0.5", hot["entities"]![0]!["address"]!.GetValue<string>());
        var services = await Call("query_services", observer, new JsonObject { ["n"] = 2, ["rank"] = "packets", ["destination"] = "10.0.0.9" });
        Assert.Equal(443, services["services"]![0]!["dst_port"]!.GetValue<int>());
        await Call("query_recent_edges", observer, new JsonObject { ["since"] = "2023-11-14T22:13:20.005Z", ["min_weight"] = 0, ["limit"] = 3 });
        var stats = await Call("query_scope_stats", observer);
        Assert.Equal(15, stats["edges"]!.GetValue<int>());
        var neighbors = await Call("get_entity_neighbors", observer, new JsonObject { ["entity"] = "10.0.0.9" });
        Assert.Equal(3, neighbors["neighbors"]!.AsArray().Count);
        var edge = await Call("get_edge_by_id", observer, new JsonObject { ["edge_id"] = edgeId });
        Assert.Equal(2.0, edge["edge"]!["weight"]!.GetValue<double>(), 2);

        await Call("subscribe_scope", observer, new JsonObject { ["scope"] = "east-west", ["kind"] = "internal" });
        await Call("set_scope_filter", observer, new JsonObject { ["scope"] = "east-west", ["min_weight"] = 0.5 });
        await Call("scrub_scope_time", observer, new JsonObject { ["scope"] = "east-west", ["at"] = "2023-11-14T22:13:20.003Z" });
        var scoped = await Call("query_scope_stats", observer, new JsonObject { ["scope"] = "east-west" });
        Assert.True(scoped["edges"]!.GetValue<int>() < 15);
        var scopes = await Call("list_active_scopes", observer);
        Assert.Single(scopes["scopes"]!.AsArray());
        var cleared = await Call("clear_scope_cache", op);
        Assert.Equal("east-west", cleared["scopes_reset"]![0]!.GetValue<string>());
        await Call("unsubscribe_scope", observer, new JsonObject { ["scope"] = "east-west" });

        await Call("get_engine_metrics", observer);
        var decay = await Call("get_decay_config", observer);
        Assert.Equal(0.01, decay["lambda_per_second"]!.GetValue<double>(), 6);
        await Call("set_decay_lambda", op, new JsonObject { ["lambda"] = 0.02 });
        Assert.Equal(0.02, await host.Engine.QueryAsync(c => c.Graph.DecayLambdaPerSecond), 6);
        await Call("get_socket_metrics", observer);
        var reload = await Call("reload_rules", admin, new JsonObject { ["thresholds"] = new JsonObject { ["scanner_delta_threshold"] = 40 } });
        Assert.Equal("scanner_delta_threshold", reload["changed"]![0]!.GetValue<string>());
        Assert.Equal(40, await host.Engine.QueryAsync(c => c.Thresholds.Current.ScannerDeltaThreshold));

        var status = await Call("graphops_autopilot_status", observer);
        Assert.Equal(3, status["counters"]!["received"]!.GetValue<long>());
        var suggestions = await Call("graphops_suggestion_queue", observer, new JsonObject { ["limit"] = 5 });
        Assert.Single(suggestions["suggestions"]!.AsArray());
        var observations = await Call("graphops_observation_log", observer);
        Assert.Single(observations["observations"]!.AsArray());
        var card = await Call("graphops_format_card", observer);
        Assert.Equal("botnet_coordination", card["card"]!["pattern"]!.GetValue<string>());
        await Call("graphops_format_card", observer, new JsonObject { ["suggestion_index"] = 0 });

        var parsed = await Call("graphops_entity_parse", observer, new JsonObject { ["text"] = "scan from 10.0.0.5 to 10.0.0.9:22, not 10.0.0.1" });
        Assert.Equal(["10.0.0.5", "10.0.0.9"], parsed["by_kind"]!["ipv4"]!.AsArray().Select(v => v!.GetValue<string>()));
        var dsl = await Call("graphops_dsl_exec", observer, new JsonObject { ["statements"] = "FOCUS 10.0.0.9\nANALYZE fanin" });
        var assessed = await Call("graphops_dsl_exec", observer, new JsonObject { ["session_id"] = dsl["session_id"]!.GetValue<string>(), ["statements"] = "ASSESS", ["close"] = true });
        Assert.True(assessed["steps"]![0]!["ok"]!.GetValue<bool>());
        var investigation = await Call("graphops_investigate", observer, new JsonObject { ["question"] = "Is 10.0.0.9 under attack?", ["max_steps"] = 1 });
        Assert.True(investigation["model_available"]!.GetValue<bool>(), investigation.ToJsonString());
        for (var wait = 0; investigator.Completed < 1; wait++)
        {
            Assert.True(wait < 1500, $"the Tier-3 card was never investigated (failed {investigator.Failed})");
            await Task.Delay(20);
        }

        var reports = await Call("graphops_investigation_reports", observer, new JsonObject { ["index"] = 0 });
        Assert.Equal("botnet_coordination", reports["reports"]![0]!["pattern"]!.GetValue<string>());
        Assert.NotNull(reports["report"]!["report"]!["deterministic"]);
        ollama.Scores.Enqueue(OllamaProtocolServer.Score(0.66, "suspicious"));
        var scored = await Call("run_tak_ml", op, new JsonObject { ["edge_id"] = edgeId });
        Assert.True(scored["recorded"]!.GetValue<bool>());
        var takMl = await Call("get_tak_ml_status", observer);
        Assert.Equal(1, takMl["inferences"]!.GetValue<long>());

        var reinforced = await Call("reinforce_edge", op, new JsonObject { ["edge_id"] = edgeId, ["weight"] = 3 });
        Assert.True(reinforced["edge"]!["weight"]!.GetValue<double>() > reinforced["previous_weight"]!.GetValue<double>());
        Assert.Equal(0.66, reinforced["edge"]!["ml_score"]!["score"]!.GetValue<double>());
        await Call("decay_now", op);
        await Call("prune_below_weight", op, new JsonObject { ["min_weight"] = 1.5 });
        Assert.True(await host.Engine.QueryAsync(c => c.Graph.EdgeCount) < 15);

        var job = await Call("ingest_pcap", op, new JsonObject { ["path"] = "scan.pcap" });
        var jobId = job["job"]!["job_id"]!.GetValue<string>();
        await host.Jobs.WaitIdleAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var done = await Call("get_ingest_job", observer, new JsonObject { ["job_id"] = jobId });
        Assert.True(done["job"]!["state"]!.GetValue<string>() == "succeeded", done.ToJsonString());
        Assert.True(done["job"]!["result"]!["edges_applied"]!.GetValue<long>() > 0);

        // Orchestration: the executor starts observe-only, is promoted one phase at a time, and runs what it
        // decides through this registry under its own identity.
        var initial = await Call("status", observer);
        Assert.Equal(0, initial["phase"]!.GetValue<int>());
        Assert.True((await Call("phase", admin, new JsonObject { ["phase"] = 1, ["reason"] = "shadow review" }))["accepted"]!.GetValue<bool>());
        var proposal = new JsonObject
        {
            ["tool"] = "reinforce_edge", ["confidence"] = 0.9, ["justification"] = "recurring admin path",
            ["arguments"] = new JsonObject { ["edge_id"] = edgeId, ["weight"] = 1 },
        };
        var shadowed = (await Call("propose", observer, proposal))["decision"]!;
        Assert.Equal("shadowed", shadowed["outcome"]!["kind"]!.GetValue<string>());
        Assert.True(shadowed["outcome"]!["would_mutate"]!.GetValue<bool>());
        var proposalId = shadowed["proposal_id"]!.GetValue<string>();
        Assert.Equal("shadowed", (await Call("decide", observer, new JsonObject { ["proposal_id"] = proposalId }))["decision"]!["outcome"]!["kind"]!.GetValue<string>());
        Assert.True((await Call("phase", admin, new JsonObject { ["phase"] = 2, ["reason"] = "shadow decisions reviewed" }))["accepted"]!.GetValue<bool>());
        var executed = (await Call("execute", op, new JsonObject { ["proposal_id"] = proposalId }))["decision"]!;
        Assert.True(executed["outcome"]!["kind"]!.GetValue<string>() == "executed", executed.ToJsonString());
        Assert.Equal("committed", executed["execution"]!["status"]!.GetValue<string>());
        var log = await Call("export_decision_log", observer, new JsonObject { ["limit"] = 10 });
        Assert.Equal(2, log["entries"]!.AsArray().Count);
        var after = await Call("status", observer);
        Assert.Equal(2, after["phase"]!.GetValue<int>());
        var audit = await host.AuditAsync();
        Assert.Contains(audit, r => r.Agent == "executor" && r.Tool == "reinforce_edge" && r.Transport == "in-process" && r.Committed);

        // Live ingest: a stream feeds the queue; only ingest_live_event commits.
        var connected = await Call("connect_stream", admin, new JsonObject { ["url"] = eve.StreamUrl.ToString(), ["credential"] = "sensor-a", ["name"] = "eve-1" });
        Assert.Equal("eve-1", connected["stream"]!["name"]!.GetValue<string>());
        for (var wait = 0; (await Call("list_streams", observer))["streams"]![0]!["queued"]!.GetValue<long>() < 1; wait++)
        {
            Assert.True(wait < 500, "the stream's event never reached the queue");
            await Task.Delay(20);
        }

        Assert.Equal(1, (await Call("get_live_ingest_status", observer))["queue"]!["depth"]!.GetValue<int>());
        Assert.Equal(2, (await Call("ingest_live_event", op, new JsonObject { ["max_events"] = 10 }))["edges_committed"]!.GetValue<int>());
        Assert.Equal("stopped", (await Call("disconnect_stream", admin, new JsonObject { ["name"] = "eve-1" }))["stream"]!["state"]!.GetValue<string>());

        var missing = host.Registry.Descriptors.Select(d => d.Name).Where(n => !called.Contains(n)).ToList();
        Assert.True(missing.Count == 0, $"tools never called over HTTP: {string.Join(", ", missing)}");
    }
}
