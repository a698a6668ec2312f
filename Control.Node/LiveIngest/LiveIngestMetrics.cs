using NerfEngine.Control.LiveIngest.Streams;
using NerfEngine.Shared.Fabric.Metrics;

namespace NerfEngine.Control.LiveIngest;

/// <summary>The live-ingest counters on /metrics (nerf_live_*), read from the queue, committer and streams when scraped.</summary>
public static class LiveIngestMetrics
{
    public static void Register(NerfMetrics metrics, LiveEventCommitter committer, LiveStreams streams)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(committer);
        ArgumentNullException.ThrowIfNull(streams);
        var queue = committer.Queue;
        metrics.Register("nerf_live_offered_total", MetricKind.Counter, "Live events offered to the live-ingest queue.", () => queue.Offered);
        metrics.Register("nerf_live_queued_total", MetricKind.Counter, "Live events the queue accepted.", () => queue.Outcome(LiveOfferOutcome.Queued));
        metrics.Register("nerf_live_dropped_total", MetricKind.Counter, "Live events dropped, by reason.", () =>
        [
            Labelled(queue.Outcome(LiveOfferOutcome.DroppedQueueFull), "reason", "queue_full"),
            Labelled(queue.Outcome(LiveOfferOutcome.DroppedAboveBaseline), "reason", "above_baseline"),
            Labelled(queue.Outcome(LiveOfferOutcome.DroppedLowNovelty), "reason", "low_novelty"),
            Labelled(committer.GateStats().BelowScore, "reason", "below_score"),
        ]);
        metrics.Register("nerf_live_unmappable_total", MetricKind.Counter, "Live events that cannot become an edge, by reason.", () =>
            LiveEventMapper.UnmappableReasons.Select(r => Labelled(queue.UnmappableCount(r), "reason", LiveIngestStats.Name(r))));
        metrics.Register("nerf_live_queue_depth", MetricKind.Gauge, "Live events waiting for ingest_live_event.", () => queue.Depth);
        metrics.Register("nerf_live_queue_capacity", MetricKind.Gauge, "Bound of the live-ingest queue.", () => queue.Capacity);
        metrics.Register("nerf_live_score_gate_enabled", MetricKind.Gauge, "1 when the model-score gate is on.", () => committer.ScoreGateOn ? 1 : 0);
        metrics.Register("nerf_live_scorer_failures_total", MetricKind.Counter, "Events the model scorer could not score.", () => committer.GateStats().ScorerFailures);
        metrics.Register("nerf_live_committed_events_total", MetricKind.Counter, "Live events committed to the graph.", () => committer.Totals().EventsCommitted);
        metrics.Register("nerf_live_committed_edges_total", MetricKind.Counter, "Edges committed from live events.", () => committer.Totals().EdgesCommitted);
        metrics.Register("nerf_live_stream_connected", MetricKind.Gauge, "1 while a connect_stream stream is connected.", () =>
            streams.List().Select(s => Labelled(s.Connected ? 1 : 0, "stream", s.Name)));
        metrics.Register("nerf_live_stream_messages_total", MetricKind.Counter, "WebSocket messages received per stream.", () =>
            streams.List().Select(s => Labelled(s.Messages, "stream", s.Name)));
        metrics.Register("nerf_live_stream_bad_json_total", MetricKind.Counter, "Stream lines that were not JSON.", () =>
            streams.List().Select(s => Labelled(s.BadJson, "stream", s.Name)));
        metrics.Register("nerf_live_stream_reconnects_total", MetricKind.Counter, "Stream reconnects.", () =>
            streams.List().Select(s => Labelled(s.Reconnects, "stream", s.Name)));
    }

    private static MetricSample Labelled(double value, string label, string name) => new(value, [new(label, name)]);
}
