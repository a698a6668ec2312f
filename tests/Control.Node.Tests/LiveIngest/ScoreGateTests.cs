using NerfEngine.Control.Engine;
using NerfEngine.Control.LiveIngest;
using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Actors.Testing;
using NerfEngine.Tests.ControlNode.LiveIngest.Support;

namespace NerfEngine.Tests.ControlNode.LiveIngest;

/// <summary>The optional model-score gate in front of the graph engine: off without a scorer, ≥ 0.65 with one, failures counted.</summary>
public sealed class ScoreGateTests
{
    /// <summary>Scores by destination port, as a flow model might: 443 is worth 0.9, 8443 exactly the minimum, 80 only 0.3; port 22 finds the model down.</summary>
    private sealed class PortScorer(Action? beforeScoring = null) : ILiveEventScorer
    {
        public string Name => "port-scorer";

        public List<string> Scored { get; } = [];

        public ValueTask<double> ScoreAsync(LiveEvent liveEvent, CancellationToken cancellationToken)
        {
            beforeScoring?.Invoke();
            cancellationToken.ThrowIfCancellationRequested();
            var port = liveEvent.Entity("dest_port");
            Scored.Add(port!);
            return port switch
            {
                "443" => ValueTask.FromResult(0.9),
                "8443" => ValueTask.FromResult(LiveIngestOptions.DefaultMinScore),
                "80" => ValueTask.FromResult(0.3),
                "8080" => ValueTask.FromResult(double.NaN),
                _ => throw new HttpRequestException("model unreachable: connection refused"),
            };
        }
    }

    private static async Task<(ActorSystem System, GraphEngine Engine)> EngineAsync()
    {
        var system = ActorSystem.Create("score-gate");
        var engine = new GraphEngine(system, new EngineCore(new EngineOptions()));
        await engine.QueryAsync(_ => true);
        return (system, engine);
    }

    private static void OfferPorts(LiveIngestQueue queue, params int[] ports)
    {
        for (var i = 0; i < ports.Length; i++)
        {
            Assert.Equal(LiveOfferOutcome.Queued, queue.Offer(LiveEvents.Event("flow", "10.0.0.1", $"10.0.1.{i + 1}", ports[i])));
        }
    }

    [Fact]
    public async Task Without_a_scorer_the_gate_is_off_says_so_and_commits_everything()
    {
        var (system, engine) = await EngineAsync();
        await using var _ = system;
        var queue = new LiveIngestQueue(new LiveIngestOptions(), new ManualTimeProvider());
        var committer = new LiveEventCommitter(queue, engine, scorer: null, new ManualTimeProvider());
        OfferPorts(queue, 443, 80);

        var result = await committer.CommitAsync(10, CancellationToken.None);
        Assert.Equal(2, result.EventsCommitted);
        Assert.False(committer.GateStats().Enabled);
        Assert.Contains("no model scorer", committer.GateStats().State);
        Assert.Equal(2, await engine.QueryAsync(c => c.Graph.EdgeCount));
    }

    [Fact]
    public async Task With_a_scorer_events_below_the_minimum_score_are_dropped_and_failures_counted()
    {
        var (system, engine) = await EngineAsync();
        await using var _ = system;
        var queue = new LiveIngestQueue(new LiveIngestOptions(), new ManualTimeProvider());
        var scorer = new PortScorer();
        var committer = new LiveEventCommitter(queue, engine, scorer, new ManualTimeProvider());
        OfferPorts(queue, 443, 80, 8443, 22, 8080);

        var result = await committer.CommitAsync(10, CancellationToken.None);
        Assert.Equal(5, result.Taken);
        Assert.Equal(1, result.DroppedBelowScore);                     // 80 at 0.3
        Assert.Equal(2, result.ScorerFailures);                        // 22 (model down) and 8080 (NaN)
        Assert.Equal(4, result.EventsCommitted);                       // 443, 8443 (= 0.65 passes), and both failures unscored
        Assert.Contains("port-scorer", result.LastScorerFailure);
        Assert.Equal(0, result.Remaining);
        Assert.Equal(4, await engine.QueryAsync(c => c.Graph.EdgeCount));
        var gate = committer.GateStats();
        Assert.True(gate.Enabled);
        Assert.Equal((3, 1, 2), (gate.Scored, gate.BelowScore, gate.ScorerFailures));
        Assert.Equal(["443", "80", "8443", "22", "8080"], scorer.Scored);
    }

    [Fact]
    public async Task A_strict_gate_drops_what_the_scorer_could_not_score_and_a_disabled_gate_never_asks()
    {
        var (system, engine) = await EngineAsync();
        await using var _ = system;
        var strict = new LiveIngestQueue(new LiveIngestOptions { CommitWhenScorerFails = false }, new ManualTimeProvider());
        OfferPorts(strict, 443, 22);
        var result = await new LiveEventCommitter(strict, engine, new PortScorer(), new ManualTimeProvider()).CommitAsync(10, CancellationToken.None);
        Assert.Equal(1, result.EventsCommitted);
        Assert.Equal(1, result.ScorerFailures);

        var scorer = new PortScorer();
        var off = new LiveIngestQueue(new LiveIngestOptions { ScoreGateEnabled = false }, new ManualTimeProvider());
        OfferPorts(off, 80);
        var committer = new LiveEventCommitter(off, engine, scorer, new ManualTimeProvider());
        Assert.Equal(1, (await committer.CommitAsync(10, CancellationToken.None)).EventsCommitted);
        Assert.Empty(scorer.Scored);
        Assert.Contains("ScoreGateEnabled is false", committer.GateStats().State);
    }

    [Fact]
    public async Task A_call_cancelled_while_scoring_commits_nothing_and_leaves_the_queue_as_it_was()
    {
        var (system, engine) = await EngineAsync();
        await using var _ = system;
        var queue = new LiveIngestQueue(new LiveIngestOptions(), new ManualTimeProvider());
        OfferPorts(queue, 443, 443);
        var scoredOnce = 0;
        using var cancelled = new CancellationTokenSource();
        var scorer = new PortScorer(beforeScoring: () => { if (scoredOnce++ == 1) cancelled.Cancel(); });
        var committer = new LiveEventCommitter(queue, engine, scorer, new ManualTimeProvider());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => committer.CommitAsync(10, cancelled.Token));
        Assert.Single(scorer.Scored);
        Assert.Equal(2, queue.Depth);
        Assert.Equal(0, await engine.QueryAsync(c => c.Graph.EdgeCount));
    }
}
