namespace NerfEngine.Tests.ControlNode.Autopilot;

using System.Net;
using System.Text.Json;
using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Detection.Detectors;
using NerfEngine.Control.Detection.Graph;
using static NerfEngine.Tests.ControlNode.Autopilot.AutopilotTestData;

/// <summary>Cards render as text for people and as stable snake_case JSON for tools.</summary>
public sealed class EventCardRendererTests
{
    private static EventCard BotnetCard()
    {
        var directory = new NodeDirectory();
        ulong target = directory.Register(IPAddress.Parse("198.51.100.10"));
        var sentinel = new Sentinel(directory: directory);
        Detection d = FanIn(botnet: true, timingEntropy: 0.0) with { SubjectNode = target, NodeIds = [target, 1, 2] };
        return sentinel.OnDetection(d).Card!;
    }

    [Fact]
    public void Text_card_shows_pattern_nodes_window_confidence_sync_entropy_and_actions()
    {
        string text = EventCardRenderer.RenderText(BotnetCard());

        Assert.Contains("FANIN[BOTNET_COORDINATION] sources=120 ip_H=6.91 timing_H=0.00", text);
        Assert.Contains("botnet_coordination (synchronised)", text);
        Assert.Contains("autonomous", text);
        Assert.Contains("0.92", text);
        Assert.Contains("198.51.100.10", text);
        Assert.Contains("121", text);
        Assert.Contains("200 ms", text);
        Assert.Contains("temporal sync", text);
        Assert.Contains("1.00", text);
        Assert.Contains("6.91 bits", text);
        Assert.Contains("cluster timing, analyse ASN diversity, trace infrastructure paths, compare with previous clusters",
            EventCardRenderer.RenderText(BotnetCard(), width: 160));
        Assert.Contains("previous clusters", text); // wrapped at 100 columns
        Assert.Contains(Sentinel.NoInvestigator, text);
        Assert.DoesNotContain("\u001b[", text); // plain text: no ANSI escapes
    }

    [Fact]
    public void Json_card_is_snake_case_with_string_node_ids()
    {
        EventCard card = BotnetCard();
        using JsonDocument json = JsonDocument.Parse(EventCardRenderer.RenderJson(card, indented: true));
        JsonElement root = json.RootElement;

        Assert.Equal(card.Id, root.GetProperty("id").GetString());
        Assert.Equal("botnet_coordination", root.GetProperty("pattern").GetString());
        Assert.Equal("autonomous", root.GetProperty("tier").GetString());
        Assert.Equal(0.92, root.GetProperty("confidence").GetDouble());
        Assert.Equal(121, root.GetProperty("node_count").GetInt32());
        Assert.Equal("198.51.100.10", root.GetProperty("subject").GetProperty("address").GetString());
        Assert.StartsWith("node:0x", root.GetProperty("node_ids")[0].GetString());
        Assert.Equal(200.0, root.GetProperty("window").GetProperty("ms").GetDouble());
        Assert.Equal("2023-11-14T22:13:20.8000000Z", root.GetProperty("window").GetProperty("start").GetString());
        Assert.Equal(1.0, root.GetProperty("temporal_sync").GetDouble());
        Assert.Equal(Math.Round(Math.Log2(120), 6), root.GetProperty("source_entropy").GetDouble());
        Assert.Equal(120, root.GetProperty("measures").GetProperty("source_count").GetInt32());
        Assert.False(root.GetProperty("measures").TryGetProperty("delta", out _));
        Assert.Equal(4, root.GetProperty("suggested_actions").GetArrayLength());
        Assert.Equal(Sentinel.NoInvestigator, root.GetProperty("investigation").GetString());
    }

    [Fact]
    public void Drift_cards_take_sync_and_entropy_from_the_window_snapshot()
    {
        var snapshot = new HypergraphMetricsSnapshot(T0, T0 + S, 10, 12, 0.13, 0.4, 0.2, 3.3, 12, 5, 0, 100, 200);
        var sentinel = new Sentinel();
        EventCard card = sentinel.FormatCard(new ScoredDetection(Drift(0.99) with { Context = snapshot }, 0.99, AlertTier.Autonomous));

        Assert.Equal(0.2, card.TemporalSync);
        Assert.Equal(3.3, card.SourceEntropyBits);
        Assert.Equal("DRIFT[SCANNER] delta=60", card.Title);
        Assert.Equal([SuggestedActions.TraceInfrastructurePaths, SuggestedActions.CompareWithPreviousClusters], card.SuggestedActions.ToArray());
        Assert.Contains("delta=60", EventCardRenderer.RenderText(card));
    }
}
