using System.ComponentModel;
using System.Text.Json;

namespace NerfEngine.Control.LiveIngest;

/// <summary>
/// What the live-ingest path has done, as get_live_ingest_status and ingest_live_event report it (snake_case JSON,
/// schema-validated by the registry). Counts are since the node started.
/// </summary>
/// <param name="Queue">The queue and its filters.</param>
/// <param name="ScoreGate">The optional model-score gate.</param>
/// <param name="Commits">What ingest_live_event committed.</param>
public sealed record LiveIngestStats(LiveQueueStats Queue, ScoreGateStats ScoreGate, LiveCommitTotals Commits)
{
    /// <summary>The shared row of sources or event types beyond the tracked bound.</summary>
    public const string OtherName = "(other)";

    /// <summary>snake_case name of a reason, as in stats and metric labels.</summary>
    public static string Name<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}

/// <summary>The queue, its drops by reason, and the filters' state.</summary>
public sealed record LiveQueueStats(
    int Capacity,
    [property: Description("Events waiting for ingest_live_event.")] int Depth,
    long Offered,
    long Queued,
    [property: Description("Dropped because the queue was at capacity.")] long DroppedQueueFull,
    [property: Description("Dropped because their event type arrived above its baseline + k·sigma.")] long DroppedAboveBaseline,
    [property: Description("Dropped because their edge and endpoints were all seen recently.")] long DroppedLowNovelty,
    long Unmappable,
    [property: Description("Unmappable events by reason (missing_address, bad_protocol, dns_answer, …).")] IReadOnlyDictionary<string, long> UnmappableByReason,
    FrequencyFilterStats FrequencyFilter,
    NoveltyFilterStats NoveltyFilter,
    IReadOnlyList<LiveSourceCount> Sources);

/// <summary>The event-type frequency filter's settings and per-type rates.</summary>
public sealed record FrequencyFilterStats(bool Enabled, double WindowSeconds, double Sigmas, int WarmupWindows, IReadOnlyList<EventTypeRate> Types);

/// <summary>The novelty filter's settings and memory.</summary>
public sealed record NoveltyFilterStats(bool Enabled, double MinNovelty, double WindowSeconds, int FingerprintsTracked);

/// <summary>Per-source outcomes of offered events.</summary>
public sealed record LiveSourceCount(string Source, long Offered, long Queued, long Dropped, long Unmappable);

/// <summary>The model-score gate: on only with a scorer registered and enabled; <c>state</c> says why it is off.</summary>
public sealed record ScoreGateStats(
    bool Enabled,
    [property: Description("Why the gate is on or off, in words.")] string State,
    string? Scorer,
    double MinScore,
    bool CommitWhenScorerFails,
    long Scored,
    long BelowScore,
    long ScorerFailures);

/// <summary>Totals of ingest_live_event.</summary>
public sealed record LiveCommitTotals(long Calls, long EventsCommitted, long EdgesCommitted, long BatchesCommitted);
