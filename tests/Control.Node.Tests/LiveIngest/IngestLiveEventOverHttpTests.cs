using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NerfEngine.Control.LiveIngest;
using NerfEngine.Shared.Fabric.Metrics;
using NerfEngine.Control.Registry;
using NerfEngine.Control.Registry.Audit;
using NerfEngine.Tests.ControlNode.LiveIngest.Support;
using NerfEngine.Tests.ControlNode.Mcp.Support;

namespace NerfEngine.Tests.ControlNode.LiveIngest;

/// <summary>ingest_live_event over real HTTP MCP: the only way queued events reach the graph, under budgets and the autonomy phases.</summary>
public sealed class IngestLiveEventOverHttpTests
{
    private static void OfferDistinct(McpTestHost host, int count)
    {
        var sink = host.Services.GetRequiredService<ILiveEventSink>();
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(LiveOfferOutcome.Queued, sink.Offer(LiveEvents.Distinct(i, source: "grpc:eve-streamer")));
        }
    }

    private static Task<int> EdgeCount(McpTestHost host) => host.Engine.QueryAsync(c => c.Graph.EdgeCount);

    [Fact]
    public async Task Queued_events_reach_the_graph_only_through_ingest_live_event_and_then_show_in_query_recent_edges()
    {
        await using var host = await McpTestHost.StartAsync();
        using var http = new McpHttp(host.Url);
        OfferDistinct(host, 5);
        Assert.Equal(0, await EdgeCount(host));

        var reply = await http.CallToolAsync("ingest_live_event", new JsonObject { ["max_events"] = 3 }, McpTestHost.OperatorToken);
        var result = reply.Structured ?? throw new Xunit.Sdk.XunitException(reply.Body);
        Assert.Equal(3, result["taken"]!.GetValue<int>());
        Assert.Equal(3, result["events_committed"]!.GetValue<int>());
        Assert.Equal(3, result["edges_committed"]!.GetValue<int>());
        Assert.Equal(2, result["remaining"]!.GetValue<int>());
        Assert.False(result["score_gate"]!["enabled"]!.GetValue<bool>());
        Assert.StartsWith("off: no model scorer", result["score_gate"]!["state"]!.GetValue<string>());
        Assert.Equal(5, result["queue"]!["queued"]!.GetValue<long>());

        var recent = (await http.CallToolAsync("query_recent_edges", new JsonObject { ["since"] = "2024-01-15T10:30:00Z" }, McpTestHost.ObserverToken)).Structured!;
        var edges = recent["edges"]!.AsArray();
        Assert.Equal(3, edges.Count);
        Assert.All(edges, e => Assert.Equal("10.1.0.1", e!["src"]!["address"]!.GetValue<string>()));
        Assert.Equal(["10.2.0.1", "10.2.0.2", "10.2.0.3"], edges.Select(e => e!["dst"]!["address"]!.GetValue<string>()).Order(StringComparer.Ordinal));

        var rest = (await http.CallToolAsync("ingest_live_event", null, McpTestHost.OperatorToken)).Structured!;
        Assert.Equal(2, rest["events_committed"]!.GetValue<int>());
        Assert.Equal(0, rest["remaining"]!.GetValue<int>());
        Assert.Equal(5, await EdgeCount(host));

        // Each committed call leaves its write-ahead "admitted" record and its outcome record.
        var calls = (await host.AuditAsync()).Where(r => r.Tool == "ingest_live_event").ToList();
        Assert.Equal(2, calls.Count(r => r.Outcome == AuditOutcomes.Admitted));
        var audit = calls.Where(r => r.Outcome == AuditOutcomes.Ok).ToList();
        Assert.Equal(2, audit.Count);
        Assert.All(audit, r => Assert.True(r.Mutates && r.Committed, r.ResultSummary));
        Assert.Contains("committed=3", audit[0].ResultSummary);
    }

    [Fact]
    public async Task Observers_cannot_ingest_and_max_events_above_the_node_limit_is_refused_before_admission()
    {
        await using var host = await McpTestHost.StartAsync(s => s["LiveIngest:MaxEventsPerIngest"] = "10");
        using var http = new McpHttp(host.Url);
        OfferDistinct(host, 2);
        var observer = await http.CallToolAsync("ingest_live_event", null, McpTestHost.ObserverToken);
        Assert.Equal("MODE_NOT_PERMITTED", observer.ToolError?["code"]?.GetValue<string>());
        var tooMany = await http.CallToolAsync("ingest_live_event", new JsonObject { ["max_events"] = 11 }, McpTestHost.OperatorToken);
        Assert.Equal("INVALID_ARGUMENTS", tooMany.ToolError?["code"]?.GetValue<string>());
        Assert.Contains("LiveIngest:MaxEventsPerIngest", tooMany.ToolError!["message"]!.GetValue<string>());
        Assert.Equal(0, host.Registry.Metrics["ingest_live_event"].Mutations);
        Assert.Equal(2, host.Services.GetRequiredService<LiveIngestQueue>().Depth);
    }

    [Fact]
    public async Task The_mutation_budget_bounds_ingest_live_event_like_every_mutation()
    {
        await using var host = await McpTestHost.StartAsync();
        using var http = new McpHttp(host.Url);
        OfferDistinct(host, 10);
        for (var i = 0; i < 3; i++)
        {
            var ok = await http.CallToolAsync("ingest_live_event", new JsonObject { ["max_events"] = 1 }, McpTestHost.FrugalToken);
            Assert.True(ok.Structured is not null && !ok.IsToolError, ok.Body);
        }

        var refused = await http.CallToolAsync("ingest_live_event", new JsonObject { ["max_events"] = 1 }, McpTestHost.FrugalToken);
        Assert.Equal("MUTATION_BUDGET_EXCEEDED", refused.ToolError?["code"]?.GetValue<string>());
        Assert.Equal(7, host.Services.GetRequiredService<LiveIngestQueue>().Depth);
        Assert.Equal(3, await EdgeCount(host));
    }

    [Fact]
    public async Task Through_the_executor_the_shadow_phase_commits_nothing_and_phase_2_commits()
    {
        await using var host = await McpTestHost.StartAsync(withExecutor: true);
        using var http = new McpHttp(host.Url);
        OfferDistinct(host, 5);
        var queue = host.Services.GetRequiredService<LiveIngestQueue>();

        // A registry dry run says what the call would do from the live queue, and changes nothing.
        var dry = await host.Registry.CallAsync(new AgentIdentity("dry-runner", AgentMode.Mutate, 10), "ingest_live_event", """{"max_events":2}""",
            new ToolCallOptions(DryRun: true));
        Assert.False(dry.Committed);
        Assert.Equal("commits up to 2 of the 5 queued live events into the graph", dry.EstimatedEffect);

        Assert.True((await http.CallToolAsync("phase", new JsonObject { ["phase"] = 1, ["reason"] = "shadow live ingest" }, McpTestHost.AdminToken)).Structured!["accepted"]!.GetValue<bool>());
        var proposal = new JsonObject
        {
            ["tool"] = "ingest_live_event", ["confidence"] = 0.9, ["justification"] = "fresh live events queued",
            ["arguments"] = new JsonObject { ["max_events"] = 2 },
        };
        var shadowed = (await http.CallToolAsync("propose", proposal, McpTestHost.ObserverToken)).Structured!["decision"]!;
        Assert.Equal("shadowed", shadowed["outcome"]!["kind"]!.GetValue<string>());
        Assert.True(shadowed["outcome"]!["would_mutate"]!.GetValue<bool>());
        Assert.Contains("commits up to 2 queued live events", shadowed["outcome"]!["estimated_effect"]!.GetValue<string>());
        Assert.Equal(5, queue.Depth);
        Assert.Equal(0, await EdgeCount(host));

        Assert.True((await http.CallToolAsync("phase", new JsonObject { ["phase"] = 2, ["reason"] = "reviewed" }, McpTestHost.AdminToken)).Structured!["accepted"]!.GetValue<bool>());
        var executed = (await http.CallToolAsync("execute", new JsonObject { ["proposal_id"] = shadowed["proposal_id"]!.GetValue<string>() }, McpTestHost.OperatorToken)).Structured!["decision"]!;
        Assert.True(executed["outcome"]!["kind"]!.GetValue<string>() == "executed", executed.ToJsonString());
        Assert.Equal("committed", executed["execution"]!["status"]!.GetValue<string>());
        Assert.Equal(3, queue.Depth);
        Assert.Equal(2, await EdgeCount(host));
        Assert.Contains(await host.AuditAsync(), r => r.Agent == "executor" && r.Tool == "ingest_live_event" && r.Committed);
    }

    [Fact]
    public async Task Queue_stats_are_on_the_status_tool_and_on_metrics()
    {
        await using var host = await McpTestHost.StartAsync(s => s["LiveIngest:Capacity"] = "4");
        using var http = new McpHttp(host.Url);
        var sink = host.Services.GetRequiredService<ILiveEventSink>();
        for (var i = 0; i < 6; i++) sink.Offer(LiveEvents.Distinct(i));
        sink.Offer(LiveEvents.Raw("flow", ("src_ip", "10.0.0.1")));

        var status = (await http.CallToolAsync("get_live_ingest_status", null, McpTestHost.ObserverToken)).Structured!;
        Assert.Equal(4, status["queue"]!["depth"]!.GetValue<int>());
        Assert.Equal(4, status["queue"]!["capacity"]!.GetValue<int>());
        Assert.Equal(2, status["queue"]!["dropped_queue_full"]!.GetValue<long>());
        Assert.Equal(1, status["queue"]!["unmappable_by_reason"]!["missing_address"]!.GetValue<long>());
        Assert.True(status["queue"]!["frequency_filter"]!["types"]![0]!["warming_up"]!.GetValue<bool>());

        // The text GET /metrics serves (the MCP test host maps only /mcp).
        var metrics = host.Services.GetRequiredService<NerfMetrics>().RenderPrometheusText();
        Assert.Contains("nerf_live_queue_depth 4", metrics);
        Assert.Contains("nerf_live_dropped_total{reason=\"queue_full\"} 2", metrics);
        Assert.Contains("nerf_live_unmappable_total{reason=\"missing_address\"} 1", metrics);
        Assert.Contains("nerf_live_score_gate_enabled 0", metrics);
    }
}
