using System.Net;
using System.Text.Json.Nodes;
using NerfEngine.Tests.ControlNode.Mcp.Support;

namespace NerfEngine.Tests.ControlNode.Mcp;

/// <summary>query_services over real HTTP MCP on a node whose graph holds the sensors' AGG records.</summary>
public sealed class QueryServicesOverHttpTests
{
    private static async Task<JsonObject> Ok(McpHttp http, string tool, JsonObject? args)
    {
        var reply = await http.CallToolAsync(tool, args, McpTestHost.ObserverToken);
        Assert.True(reply.Status == HttpStatusCode.OK && !reply.IsToolError && reply.Structured is not null, $"{tool}: {reply.Body}");
        return reply.Structured!;
    }

    private static IEnumerable<string> Keys(JsonObject result) =>
        result["services"]!.AsArray().Select(s => $"{s!["dst"]!["address"]}:{s["dst_port"]}/{s["protocol"]}");

    [Fact]
    public async Task Services_from_agg_records_rank_by_weight_or_packets_filter_by_destination_and_respect_n()
    {
        await using var host = await McpTestHost.StartAsync();
        using var http = new McpHttp(host.Url);
        var empty = await Ok(http, "query_services", null);
        Assert.Empty(empty["services"]!.AsArray());
        Assert.Equal(0, empty["matched"]!.GetValue<int>());

        await host.SeedAsync();
        await host.SeedServicesAsync();

        // One per record (the default reinforcement): 22/tcp had 3 windows, 53/udp 2, 443/tcp 1.
        var byWeight = await Ok(http, "query_services", new JsonObject());
        Assert.Equal("weight", byWeight["rank"]!.GetValue<string>());
        Assert.Equal(["10.0.0.9:22/6", "10.0.0.20:53/17", "10.0.0.9:443/6"], Keys(byWeight));
        Assert.Equal(3, byWeight["matched"]!.GetValue<int>());
        Assert.False(byWeight["truncated"]!.GetValue<bool>());
        Assert.Null(byWeight["destination"]);
        var ssh = byWeight["services"]![0]!;
        Assert.Equal(30, ssh["packets"]!.GetValue<long>());
        Assert.Equal(3000, ssh["bytes"]!.GetValue<long>());
        Assert.Equal(3, ssh["windows"]!.GetValue<long>());
        Assert.Equal(3.0, ssh["weight"]!.GetValue<double>(), 3);
        Assert.Equal(DateTimeOffset.Parse("2023-11-14T22:13:20.009Z"), DateTimeOffset.Parse(ssh["first_seen"]!.GetValue<string>()));
        Assert.Equal(DateTimeOffset.Parse("2023-11-14T22:13:20.011Z"), DateTimeOffset.Parse(ssh["last_seen"]!.GetValue<string>()));
        Assert.StartsWith("0x", ssh["service_id"]!.GetValue<string>());
        Assert.Equal(DateTimeOffset.Parse("2023-11-14T22:13:20.011Z"), DateTimeOffset.Parse(byWeight["evaluated_at"]!.GetValue<string>()));

        var byPackets = await Ok(http, "query_services", new JsonObject { ["rank"] = "packets", ["n"] = 2 });
        Assert.Equal(["10.0.0.9:443/6", "10.0.0.9:22/6"], Keys(byPackets));
        Assert.Equal(3, byPackets["matched"]!.GetValue<int>());
        Assert.True(byPackets["truncated"]!.GetValue<bool>());

        var ofHost = await Ok(http, "query_services", new JsonObject { ["destination"] = "10.0.0.9" });
        Assert.Equal(["10.0.0.9:22/6", "10.0.0.9:443/6"], Keys(ofHost));
        Assert.Equal("10.0.0.9", ofHost["destination"]!["address"]!.GetValue<string>());
        var nodeId = ofHost["destination"]!["node_id"]!.GetValue<string>();
        var ofNode = await Ok(http, "query_services", new JsonObject { ["destination"] = nodeId });
        Assert.Equal(Keys(ofHost), Keys(ofNode));
        // AGG records make services, never edges: the seeded graph's 15 edges are unchanged.
        Assert.Equal(15, (await Ok(http, "query_scope_stats", null))["edges"]!.GetValue<int>());

        var bad = await http.CallToolAsync("query_services", new JsonObject { ["destination"] = "not-a-host" }, McpTestHost.ObserverToken);
        Assert.True(bad.IsToolError, bad.Body);
        Assert.Contains("destination", bad.Body);
    }
}
