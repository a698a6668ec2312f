using System.Text.Json.Nodes;
using NerfEngine.Control.Registry;
using NerfEngine.Tests.ControlNode.Mcp.Support;

namespace NerfEngine.Tests.ControlNode.Mcp;

/// <summary>tools/list shows exactly the tools an agent's mode may call, each with annotations and an output schema.</summary>
public sealed class ToolsListPerModeTests
{
    [Fact]
    public async Task Each_mode_sees_exactly_the_tools_it_may_call_with_annotations_and_schemas()
    {
        await using var host = await McpTestHost.StartAsync();
        using var http = new McpHttp(host.Url);
        var all = host.Registry.Descriptors;

        foreach (var (token, mode) in new[] { (McpTestHost.ObserverToken, AgentMode.Observe), (McpTestHost.OperatorToken, AgentMode.Mutate), (McpTestHost.AdminToken, AgentMode.Admin) })
        {
            var listed = await http.ListToolsAsync(token);
            var names = listed.Select(t => t!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
            var expected = all.Where(d => mode >= d.RequiredMode).Select(d => d.Name).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, names);
            foreach (var tool in listed.Select(t => t!.AsObject()))
            {
                var annotations = tool["annotations"]!.AsObject();
                foreach (var hint in new[] { "readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint" })
                {
                    Assert.True(annotations[hint] is JsonValue, $"{tool["name"]} lacks {hint}");
                }

                Assert.Equal("object", tool["inputSchema"]!["type"]!.GetValue<string>());
                Assert.Equal("object", tool["outputSchema"]!["type"]!.GetValue<string>());
            }
        }

        var observerNames = (await http.ListToolsAsync(McpTestHost.ObserverToken)).Select(t => t!["name"]!.GetValue<string>()).ToList();
        Assert.DoesNotContain("decay_now", observerNames);
        Assert.DoesNotContain("reload_rules", observerNames);
        Assert.Contains("query_hot_entities", observerNames);
        var operatorNames = (await http.ListToolsAsync(McpTestHost.OperatorToken)).Select(t => t!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("decay_now", operatorNames);
        Assert.DoesNotContain("reload_rules", operatorNames);
        Assert.Contains("reload_rules", (await http.ListToolsAsync(McpTestHost.AdminToken)).Select(t => t!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Mutating_tools_are_annotated_as_not_read_only_and_queries_as_read_only()
    {
        await using var host = await McpTestHost.StartAsync();
        using var http = new McpHttp(host.Url);
        var listed = (await http.ListToolsAsync(McpTestHost.AdminToken)).ToDictionary(t => t!["name"]!.GetValue<string>(), t => t!["annotations"]!);
        foreach (var d in host.Registry.Descriptors)
        {
            var readOnly = listed[d.Name]["readOnlyHint"]!.GetValue<bool>();
            if (d.Mutates) Assert.False(readOnly, d.Name);
        }

        Assert.True(listed["query_recent_edges"]["readOnlyHint"]!.GetValue<bool>());
        Assert.True(listed["prune_below_weight"]["destructiveHint"]!.GetValue<bool>());
        Assert.True(listed["ingest_pcap"]["openWorldHint"]!.GetValue<bool>());
    }
}
