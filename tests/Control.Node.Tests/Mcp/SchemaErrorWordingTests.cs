using System.Text.Json.Nodes;
using NerfEngine.Tests.ControlNode.Mcp.Support;

namespace NerfEngine.Tests.ControlNode.Mcp;

/// <summary>Argument errors an agent can fix from the message alone, over real HTTP MCP.</summary>
public sealed class SchemaErrorWordingTests
{
    [Fact]
    public async Task An_unknown_property_names_the_properties_the_tool_accepts()
    {
        await using var host = await McpTestHost.StartAsync();
        using var http = new McpHttp(host.Url);

        var reply = await http.CallToolAsync("query_recent_edges", new JsonObject { ["limti"] = 5 }, McpTestHost.ObserverToken);

        Assert.Equal("INVALID_ARGUMENTS", reply.ToolError?["code"]?.GetValue<string>());
        Assert.Contains("limti: no additional properties allowed (accepted properties: since, min_weight, limit, scope)",
            reply.ToolError!["message"]!.GetValue<string>());
        var none = await http.CallToolAsync("get_engine_metrics", new JsonObject { ["verbose"] = true }, McpTestHost.ObserverToken);
        Assert.Contains("verbose: no additional properties allowed (this object takes no properties)", none.ToolError!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ingest_live_event_states_the_nodes_configured_limit_and_refuses_above_it_clearly()
    {
        await using var host = await McpTestHost.StartAsync(s => s["LiveIngest:MaxEventsPerIngest"] = "750");
        using var http = new McpHttp(host.Url);

        var tool = (await http.ListToolsAsync(McpTestHost.OperatorToken)).Single(t => t!["name"]!.GetValue<string>() == "ingest_live_event")!;
        Assert.Contains("may be at most 750 (LiveIngest:MaxEventsPerIngest", tool["description"]!.GetValue<string>());
        var refused = await http.CallToolAsync("ingest_live_event", new JsonObject { ["max_events"] = 751 }, McpTestHost.OperatorToken);
        Assert.Contains("max_events: 751 is above the node's limit 750 (LiveIngest:MaxEventsPerIngest)", refused.ToolError!["message"]!.GetValue<string>());
    }
}
