using System.Collections.Immutable;
using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Copilot;
using NerfEngine.Control.Copilot.Agent;
using NerfEngine.Control.Copilot.Dsl;
using NerfEngine.Control.Copilot.Ollama;
using NerfEngine.Control.Detection.Detectors;
using static NerfEngine.Tests.ControlNode.Copilot.OllamaProtocolServer;

namespace NerfEngine.Tests.ControlNode.Copilot;

public sealed class CopilotInvestigatorTests
{
    [Fact]
    public async Task Tier3_card_is_investigated_in_the_background_and_a_full_queue_drops_and_counts()
    {
        await using var graph = await KnownGraph.StartAsync();
        await using var ollama = await OllamaProtocolServer.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ollama.Gate = () => release.Task;
        for (int i = 0; i < 4; i++) ollama.Script(Plan("FOCUS 10.10.0.80", "ANALYZE fanin"), 0.9);
        var options = new CopilotOptions { OllamaBaseUrl = ollama.BaseUrl, InvestigationQueueCapacity = 1 };
        using var client = new OllamaClient(options);
        var agent = new InvestigationAgent(client, new DslExecutor(graph.Engine, options), options);
        var done = new TaskCompletionSource<InvestigationReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var investigator = new CopilotInvestigator(agent, options);
        investigator.Investigated += (_, report) => done.TrySetResult(report);

        investigator.Wake(Card());
        await WaitUntil(() => ollama.Requests.Count >= 1); // first card is with the model
        investigator.Wake(Card());                         // queued
        investigator.Wake(Card());                         // queue full: dropped
        release.SetResult();
        var first = await done.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await WaitUntil(() => investigator.Completed == 2);

        Assert.Equal(2, investigator.Queued);
        Assert.Equal(1, investigator.Dropped);
        Assert.Equal(StopReason.ConfidenceReached, first.StopReason);
        Assert.Contains("10.10.0.80", first.Question);
        Assert.Equal(["10.10.0.80"], first.Entities.Select(e => e.Value));
        Assert.Equal(2, investigator.Reports.Count);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(20);
        }
    }

    private static EventCard Card() => new()
    {
        Id = "c0ffee",
        Title = "FANIN[botnet] sources=12",
        Detector = "temporal_fanin",
        Pattern = "botnet_coordination",
        Shape = "fan_in",
        Tier = AlertTier.Autonomous,
        Confidence = 0.97,
        NodeCount = 13,
        SubjectNode = KnownGraph.Id(KnownGraph.Victim),
        SubjectAddress = KnownGraph.Victim,
        NodeIds = [KnownGraph.Id(KnownGraph.Victim)],
        WindowStartNs = KnownGraph.BurstAt,
        WindowEndNs = KnownGraph.BurstAt + 120_000_000,
        Measures = default!,
        SuggestedActions = ImmutableArray<string>.Empty,
        Investigation = "investigator notified",
    };
}
