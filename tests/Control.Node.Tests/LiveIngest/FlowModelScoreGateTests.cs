using NerfEngine.Control.Copilot;
using NerfEngine.Control.Copilot.FlowScoring;
using NerfEngine.Control.Copilot.Ollama;
using NerfEngine.Control.Engine;
using NerfEngine.Control.LiveIngest;
using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Actors.Testing;
using NerfEngine.Tests.ControlNode.Copilot;
using NerfEngine.Tests.ControlNode.LiveIngest.Support;

namespace NerfEngine.Tests.ControlNode.LiveIngest;

/// <summary>The score gate over the run_tak_ml flow model, against the Ollama-protocol test server (real HTTP, scripted scores).</summary>
public sealed class FlowModelScoreGateTests
{
    [Fact]
    public async Task Events_the_flow_model_scores_below_the_minimum_are_dropped_and_the_model_sees_each_flow()
    {
        await using var ollama = await OllamaProtocolServer.StartAsync();
        ollama.Scores.Enqueue(OllamaProtocolServer.Score(0.9, "malicious"));
        ollama.Scores.Enqueue(OllamaProtocolServer.Score(0.2, "benign"));
        await using var system = ActorSystem.Create("flow-model-gate");
        var engine = new GraphEngine(system, new EngineCore(new EngineOptions()));
        var options = new LiveIngestOptions();
        using var client = new OllamaClient(new CopilotOptions { OllamaBaseUrl = ollama.BaseUrl, ModelTimeout = TimeSpan.FromSeconds(10) });
        var scoring = new FlowScoringOptions();
        var scorer = new FlowModelLiveEventScorer(new OllamaFlowScorer(client, scoring, new FlowScorerStatistics()), new FlowFeatureReader(scoring), engine, options);
        var queue = new LiveIngestQueue(options, new ManualTimeProvider());
        var committer = new LiveEventCommitter(queue, engine, scorer, new ManualTimeProvider());
        Assert.Equal(LiveOfferOutcome.Queued, queue.Offer(LiveEvents.Event("alert", "203.0.113.7", "10.0.0.9", 22)));
        Assert.Equal(LiveOfferOutcome.Queued, queue.Offer(LiveEvents.Event("flow", "10.0.0.4", "10.0.0.10", 443)));

        var result = await committer.CommitAsync(10, CancellationToken.None);

        Assert.Equal(1, result.EventsCommitted);
        Assert.Equal(1, result.DroppedBelowScore);
        Assert.True(committer.GateStats().Enabled);
        Assert.Equal("flow-model:llama3.2:3b", scorer.Name);
        Assert.Equal(2, ollama.ScoreRequests);
        var firstFlow = ollama.Requests.First().ToJsonString();
        Assert.Contains("203.0.113.7", firstFlow);
        Assert.Contains("10.0.0.9", firstFlow);
        Assert.Equal(1, await engine.QueryAsync(c => c.Graph.EdgeCount));
    }
}
