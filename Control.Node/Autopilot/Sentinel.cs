using NerfEngine.Control.Detection.Graph;

namespace NerfEngine.Control.Autopilot;

// Inside the namespace so the type Detection wins over the namespace NerfEngine.Control.Detection.
using NerfEngine.Control.Detection.Detectors;

/// <summary>
/// The push-driven autopilot: detectors call <see cref="OnDetection"/> and each detection is scored,
/// routed to a tier, deduplicated and delivered — observation log, suggestion queue, emitted card, or
/// card plus investigator wake-up. No polling: nothing runs between detections.
/// </summary>
/// <remarks>
/// Order: score → tier → (discard stops here, leaving no dedup entry) → dedup → deliver. Cooldown is
/// applied inside each detector; the sentinel counts what they suppressed. Single-threaded (one actor);
/// the queue, log and counters it fills are safe to read from other threads.
/// </remarks>
public sealed class Sentinel : IDetectionSink
{
    /// <summary>Card text when no investigator is attached (until the copilot exists).</summary>
    public const string NoInvestigator = "no investigator configured";

    private readonly IEventCardSink? _cards;
    private readonly IInvestigator? _investigator;
    private readonly NodeDirectory? _directory;
    private readonly Hypergraph? _graph;
    private readonly int _cardEdgeIds;
    private readonly Queue<EventCard> _recentCards = new();
    private readonly int _recentCardCapacity;
    private readonly Lock _recentLock = new();

    /// <summary>Creates a sentinel.</summary>
    /// <param name="options">Tiers, scoring, dedup and capacities; validated here.</param>
    /// <param name="cards">Receives emitted cards.</param>
    /// <param name="investigator">Tier-3 hook; null until the copilot exists.</param>
    /// <param name="directory">Resolves subject addresses for cards.</param>
    /// <param name="graph">The graph the detections are about (same thread); lateral-movement cards name its edges. Null names none.</param>
    /// <exception cref="ArgumentException">The options are invalid (every problem listed).</exception>
    public Sentinel(
        AutopilotOptions? options = null, IEventCardSink? cards = null, IInvestigator? investigator = null, NodeDirectory? directory = null,
        Hypergraph? graph = null)
    {
        options ??= new AutopilotOptions();
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Autopilot options rejected: {string.Join(" ", errors)}", nameof(options));
        }

        Scorer = new AlertScorer(options.Scoring);
        Router = new TierRouter(options.Tiers);
        Deduplicator = new AlertDeduplicator(options.DedupTtl, options.DedupBucket, options.DedupMaxEntries);
        Suggestions = new SuggestionQueue(options.SuggestionCapacity);
        Observations = new ObservationLog(options.ObservationCapacity);
        _recentCardCapacity = options.RecentCardCapacity;
        _cards = cards;
        _investigator = investigator;
        _directory = directory;
        _graph = graph;
        _cardEdgeIds = options.CardEdgeIds;
    }

    /// <summary>Per-detector scoring.</summary>
    public AlertScorer Scorer { get; }

    /// <summary>Score → tier.</summary>
    public TierRouter Router { get; }

    /// <summary>Repeat suppression.</summary>
    public AlertDeduplicator Deduplicator { get; }

    /// <summary>Suggestion-tier detections for the analyst.</summary>
    public SuggestionQueue Suggestions { get; }

    /// <summary>Observation-tier detections.</summary>
    public ObservationLog Observations { get; }

    /// <summary>Outcome counters.</summary>
    public AutopilotCounters Counters { get; } = new();

    /// <summary>Whether a Tier-3 investigator is attached.</summary>
    public bool HasInvestigator => _investigator is not null;

    /// <summary>The newest emitted cards, newest first.</summary>
    public IReadOnlyList<EventCard> RecentCards(int max = int.MaxValue)
    {
        lock (_recentLock)
        {
            return _recentCards.Reverse().Take(max).ToArray();
        }
    }

    /// <inheritdoc />
    void IDetectionSink.OnDetection(Detection detection) => OnDetection(detection);

    /// <inheritdoc />
    void IDetectionSink.OnCooledDown(string detector, DetectionVerdict verdict, long atNs) => Counters.CountCooledDown();

    /// <summary>Scores, routes, deduplicates and delivers one detection.</summary>
    public SentinelOutcome OnDetection(Detection detection)
    {
        ArgumentNullException.ThrowIfNull(detection);
        Counters.CountReceived();
        double score = Scorer.Score(detection);
        AlertTier tier = Router.Route(score);
        if (tier == AlertTier.Discard)
        {
            Counters.CountTier(tier);
            return new SentinelOutcome(tier, score, false, null);
        }

        if (Deduplicator.IsDuplicate(detection))
        {
            Counters.CountDeduplicated();
            return new SentinelOutcome(tier, score, true, null);
        }

        Counters.CountTier(tier);
        var scored = new ScoredDetection(detection, score, tier);
        switch (tier)
        {
            case AlertTier.Observation:
                Observations.Add(scored);
                return new SentinelOutcome(tier, score, false, null);
            case AlertTier.Suggestion:
                Suggestions.Enqueue(scored);
                return new SentinelOutcome(tier, score, false, null);
            default:
                EventCard card = Emit(scored);
                return new SentinelOutcome(tier, score, false, card);
        }
    }

    /// <summary>Builds the card of any scored detection (graphops_format_card), without emitting it.</summary>
    public EventCard FormatCard(ScoredDetection scored, string? investigation = null) =>
        EventCardFactory.Create(scored, Deduplicator.KeyOf(scored.Detection), investigation ?? "not escalated", _directory);

    private EventCard Emit(ScoredDetection scored)
    {
        string status = scored.Tier != AlertTier.Autonomous ? "not escalated"
            : _investigator is null ? NoInvestigator
            : "investigator notified";
        EventCard card = WithEdges(FormatCard(scored, status), scored.Detection);
        if (scored.Tier == AlertTier.Autonomous && _investigator is not null)
        {
            try
            {
                _investigator.Wake(card);
            }
            catch (Exception ex)
            {
                // A broken hook must not stop alerting; the card says what happened.
                Counters.CountInvestigatorError();
                card = card with { Investigation = $"investigator error: {ex.Message}" };
            }
        }

        lock (_recentLock)
        {
            _recentCards.Enqueue(card);
            while (_recentCards.Count > _recentCardCapacity)
            {
                _recentCards.Dequeue();
            }
        }

        _cards?.OnCard(card);
        return card;
    }

    /// <summary>
    /// A lateral-movement card names the subject's edges to the internal hosts it reached, read from the graph as the
    /// card fires, so reinforcement can keep that evidence from decaying. Other verdicts name none.
    /// </summary>
    private EventCard WithEdges(EventCard card, Detection detection)
    {
        if (_graph is null || _cardEdgeIds == 0 || detection.Verdict != DetectionVerdict.Lateral || detection.NodeIds.Length < 2)
        {
            return card;
        }

        var reached = detection.NodeIds.Skip(1).ToHashSet();
        return card with { EdgeIds = [.. _graph.EdgeIdsFrom(detection.SubjectNode, reached, _cardEdgeIds)] };
    }
}

/// <summary>Builds <see cref="EventCard"/>s from scored detections.</summary>
public static class EventCardFactory
{
    /// <summary>
    /// The card of <paramref name="scored"/>. Temporal sync and source entropy come from the detection
    /// when it measured them, else from the window snapshot it carries (drift does not measure timing).
    /// </summary>
    public static EventCard Create(ScoredDetection scored, ulong id, string investigation, NodeDirectory? directory = null)
    {
        Detection d = scored.Detection;
        return new EventCard
        {
            Id = $"{id:x16}",
            Title = d.Label,
            Detector = d.Detector,
            Pattern = d.Verdict.ToWireName(),
            Shape = d.Pattern,
            Tier = scored.Tier,
            Confidence = scored.Score,
            NodeCount = d.NodeCount,
            SubjectNode = d.SubjectNode,
            SubjectAddress = directory?.AddressText(d.SubjectNode),
            NodeIds = d.NodeIds,
            WindowStartNs = d.WindowStartNs,
            WindowEndNs = d.WindowEndNs,
            TemporalSync = d.Measures.TemporalSync ?? d.Context?.TemporalSync,
            SourceEntropyBits = d.Measures.SourceEntropyBits ?? d.Context?.SourceEntropyBits,
            Measures = d.Measures,
            SuggestedActions = SuggestedActions.For(d.Verdict),
            Investigation = investigation,
        };
    }
}
