namespace NerfEngine.Tests.ControlNode.Autopilot;

using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Detection.Detectors;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Tests.ControlNode.Detection.Support;
using static NerfEngine.Tests.ControlNode.Autopilot.AutopilotTestData;

/// <summary>The push-driven sentinel routes every score to exactly one destination and counts it.</summary>
public sealed class SentinelTests
{
    private readonly List<EventCard> _cards = new();

    private sealed class Cards(List<EventCard> cards) : IEventCardSink
    {
        public void OnCard(EventCard card) => cards.Add(card);
    }

    private sealed class RecordingInvestigator : IInvestigator
    {
        public List<EventCard> Woken { get; } = new();

        public void Wake(EventCard card) => Woken.Add(card);
    }

    [Fact]
    public void A_lateral_movement_card_names_the_subjects_edges_to_the_hosts_it_reached_heaviest_first_and_capped()
    {
        var f = new EdgeFactory();
        var graph = new Hypergraph(new HypergraphOptions { PruneBelowWeight = 0 }, f.Directory);
        graph.Observe(f.Open(Ns.T0, "10.0.0.5", "10.0.0.7", 22));
        graph.Observe(f.Open(Ns.T0, "10.0.0.5", "10.0.0.6", 445));
        graph.Observe(f.Open(Ns.T0 + Ns.Ms, "10.0.0.5", "10.0.0.6", 445)); // reinforced: the heaviest
        graph.Observe(f.Open(Ns.T0, "10.0.0.5", "10.0.0.8", 3389));
        graph.Observe(f.Open(Ns.T0, "10.0.0.5", "8.8.8.8", 53, protocol: 17)); // not a host the finding names
        var sentinel = new Sentinel(new AutopilotOptions { CardEdgeIds = 2 }, new Cards(_cards), directory: f.Directory, graph: graph);
        ulong src = f.Node("10.0.0.5");
        var lateral = Drift(0.95, subject: src) with
        {
            Verdict = DetectionVerdict.Lateral,
            Pattern = "admin_ports",
            NodeIds = [src, f.Node("10.0.0.6"), f.Node("10.0.0.7"), f.Node("10.0.0.8")],
            NodeCount = 4,
        };

        var card = sentinel.OnDetection(lateral).Card!;
        var scanner = sentinel.OnDetection(Drift(0.95, subject: f.Node("10.0.0.9"))).Card!;

        Assert.Equal(2, card.EdgeIds.Length);
        Assert.StartsWith($"0x{src:x16}-0x{f.Node("10.0.0.6"):x16}-", card.EdgeIds[0], StringComparison.Ordinal);
        Assert.All(card.EdgeIds, id => Assert.True(graph.TryGetEdge(id, out var edge) && edge.Key.Src == src));
        Assert.DoesNotContain(card.EdgeIds, id => id.Contains($"0x{f.Node("8.8.8.8"):x16}", StringComparison.Ordinal));
        Assert.Contains("\"edge_ids\":[", EventCardRenderer.RenderJson(card), StringComparison.Ordinal);
        Assert.Empty(scanner.EdgeIds);
        Assert.DoesNotContain("edge_ids", EventCardRenderer.RenderJson(scanner), StringComparison.Ordinal);
    }

    [Fact]
    public void Each_tier_goes_to_its_own_destination_and_is_counted()
    {
        var sentinel = new Sentinel(cards: new Cards(_cards));

        Assert.Equal(AlertTier.Discard, sentinel.OnDetection(Drift(0.55, subject: 1)).Tier);
        Assert.Equal(AlertTier.Observation, sentinel.OnDetection(Drift(0.65, subject: 2)).Tier);
        Assert.Equal(AlertTier.Suggestion, sentinel.OnDetection(Drift(0.75, subject: 3)).Tier);
        SentinelOutcome alert = sentinel.OnDetection(Drift(0.85, subject: 4));
        SentinelOutcome autonomous = sentinel.OnDetection(Drift(0.95, subject: 5));

        Assert.Equal(1, sentinel.Observations.Count);
        Assert.Equal(1, sentinel.Suggestions.Count);
        Assert.Equal(2, _cards.Count);
        Assert.Same(alert.Card, _cards[0]);
        Assert.Equal("not escalated", alert.Card!.Investigation);
        Assert.Equal(AlertTier.Autonomous, autonomous.Card!.Tier);
        Assert.Equal(Sentinel.NoInvestigator, autonomous.Card.Investigation);
        AutopilotCounters c = sentinel.Counters;
        Assert.Equal((5L, 1L, 1L, 1L, 1L, 1L, 0L), (c.Received, c.Discarded, c.Observed, c.Suggested, c.Alerted, c.Autonomous, c.Deduplicated));
        Assert.Equal([autonomous.Card, alert.Card], sentinel.RecentCards());
    }

    [Fact]
    public void A_repeat_within_the_ttl_is_deduplicated_and_a_discard_leaves_no_dedup_entry()
    {
        var sentinel = new Sentinel(cards: new Cards(_cards));
        sentinel.OnDetection(Drift(0.85));
        SentinelOutcome repeat = sentinel.OnDetection(Drift(0.85));
        sentinel.OnDetection(Drift(0.10, subject: 9));

        Assert.True(repeat.Deduplicated);
        Assert.Single(_cards);
        Assert.Equal(1, sentinel.Counters.Deduplicated);
        Assert.Equal(1, sentinel.Deduplicator.Count);
    }

    [Fact]
    public void Tier_3_wakes_the_investigator_with_the_card()
    {
        var investigator = new RecordingInvestigator();
        var sentinel = new Sentinel(cards: new Cards(_cards), investigator: investigator);

        SentinelOutcome outcome = sentinel.OnDetection(FanIn(botnet: true, timingEntropy: 0.0));

        EventCard card = Assert.Single(investigator.Woken);
        Assert.Same(outcome.Card, card);
        Assert.Equal("investigator notified", card.Investigation);
        Assert.True(sentinel.HasInvestigator);
    }

    [Fact]
    public void A_failing_investigator_does_not_stop_alerting()
    {
        var sentinel = new Sentinel(cards: new Cards(_cards), investigator: new ThrowingInvestigator());

        SentinelOutcome outcome = sentinel.OnDetection(FanIn(botnet: true, timingEntropy: 0.0));

        Assert.Equal("investigator error: copilot offline", outcome.Card!.Investigation);
        Assert.Equal(1, sentinel.Counters.InvestigatorErrors);
        Assert.Single(_cards);
    }

    [Fact]
    public void Suggestion_queue_is_bounded_and_pulled_oldest_first()
    {
        var queue = new SuggestionQueue(capacity: 3);
        for (int i = 1; i <= 5; i++)
        {
            queue.Enqueue(new ScoredDetection(Drift(0.75, subject: (ulong)i), 0.75, AlertTier.Suggestion));
        }

        Assert.Equal(2, queue.Dropped);
        Assert.Equal([3ul, 4ul], queue.Peek(2).Select(s => s.Detection.SubjectNode));
        Assert.Equal([3ul, 4ul], queue.Take(2).Select(s => s.Detection.SubjectNode));
        Assert.True(queue.TryDequeue(out ScoredDetection? last));
        Assert.Equal(5ul, last!.Detection.SubjectNode);
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public void Observation_log_is_a_ring_newest_first()
    {
        var log = new ObservationLog(capacity: 3);
        for (int i = 1; i <= 5; i++)
        {
            log.Add(new ScoredDetection(Drift(0.65, subject: (ulong)i), 0.65, AlertTier.Observation));
        }

        Assert.Equal(3, log.Count);
        Assert.Equal(5, log.Total);
        Assert.Equal([5ul, 4ul, 3ul], log.Recent().Select(s => s.Detection.SubjectNode));
        Assert.Equal([5ul], log.Recent(1).Select(s => s.Detection.SubjectNode));
    }

    private sealed class ThrowingInvestigator : IInvestigator
    {
        public void Wake(EventCard card) => throw new InvalidOperationException("copilot offline");
    }
}
