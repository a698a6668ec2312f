using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NerfEngine.Control.Copilot;
using NerfEngine.Tests.ControlNode.Copilot;
using NerfEngine.Tests.ControlNode.Mcp.Support;
using static NerfEngine.Tests.ControlNode.Copilot.OllamaProtocolServer;

namespace NerfEngine.Tests.ControlNode.Mcp;

/// <summary>graphops_investigation_reports over real HTTP MCP: the background investigator's Tier-3 reports.</summary>
public sealed class InvestigationReportsOverHttpTests
{
    private static async Task<JsonObject> Ok(McpHttp http, JsonObject? args)
    {
        var reply = await http.CallToolAsync("graphops_investigation_reports", args, McpTestHost.ObserverToken);
        Assert.True(reply.Status == HttpStatusCode.OK && !reply.IsToolError && reply.Structured is not null, reply.Body);
        return reply.Structured!;
    }

    [Fact]
    public async Task A_tier3_cards_investigation_is_listed_newest_first_and_returned_in_full_by_card_id_or_index()
    {
        await using var ollama = await OllamaProtocolServer.StartAsync();
        await using var host = await McpTestHost.StartAsync(s =>
        {
            s["Copilot:OllamaBaseUrl"] = ollama.BaseUrl.ToString();
            s["Copilot:ReportHistory"] = "4";
        });
        using var http = new McpHttp(host.Url);
        await host.SeedAsync();

        var none = await Ok(http, new JsonObject { ["index"] = 0 });
        Assert.Empty(none["reports"]!.AsArray());
        Assert.Equal(0, none["count"]!.GetValue<int>());
        Assert.Equal(4, none["capacity"]!.GetValue<int>());
        Assert.Null(none["report"]);

        // Resolving the investigator attaches it to the sentinel, as `run` does; the fed detections make one autonomous-tier card.
        var investigator = host.Services.GetRequiredService<CopilotInvestigator>();
        ollama.Script(Plan("FOCUS 10.0.0.9", "ANALYZE fanin"), 0.9);
        await Detections.FeedAsync(host.Engine, 0xfeed, McpTestHost.SeedTimeNs + 1_000_000_000);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (investigator.Completed < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no investigation finished (queued {investigator.Queued}, failed {investigator.Failed})");
            await Task.Delay(20);
        }

        var list = await Ok(http, null);
        Assert.Equal(1, list["count"]!.GetValue<int>());
        Assert.Null(list["report"]);
        var row = list["reports"]![0]!;
        Assert.Equal(0, row["index"]!.GetValue<int>());
        Assert.Equal("botnet_coordination", row["pattern"]!.GetValue<string>());
        Assert.Equal("0x000000000000feed", row["subject_node"]!.GetValue<string>());
        Assert.Equal("confidence_reached", row["stop_reason"]!.GetValue<string>());
        Assert.Equal(0.9, row["best_confidence"]!.GetValue<double>(), 6);
        Assert.True(row["model_available"]!.GetValue<bool>());
        Assert.Null(row["deterministic_confidence"]);
        Assert.Equal(1, row["steps"]!.GetValue<int>());
        Assert.Contains("botnet_coordination", row["question"]!.GetValue<string>());
        Assert.True(DateTimeOffset.UtcNow - DateTimeOffset.Parse(row["completed_at"]!.GetValue<string>()) < TimeSpan.FromMinutes(1));
        var cardId = row["card_id"]!.GetValue<string>();

        var byCard = await Ok(http, new JsonObject { ["card_id"] = cardId });
        var full = byCard["report"]!;
        Assert.Equal(cardId, full["card_id"]!.GetValue<string>());
        Assert.Equal(row["question"]!.GetValue<string>(), full["report"]!["question"]!.GetValue<string>());
        Assert.Equal("FOCUS 10.0.0.9; ANALYZE fanin", full["report"]!["steps"]![0]!["plan"]!.GetValue<string>());
        Assert.NotNull(full["report"]!["deterministic"]);
        var byIndex = await Ok(http, new JsonObject { ["index"] = 0 });
        Assert.True(JsonNode.DeepEquals(byCard["report"]!["report"]!["steps"], byIndex["report"]!["report"]!["steps"]));

        Assert.Null((await Ok(http, new JsonObject { ["card_id"] = "no-such-card" }))["report"]);
        Assert.Null((await Ok(http, new JsonObject { ["index"] = 5 }))["report"]);
    }
}
