using NerfEngine.Control.Ingress.Grpc;
using NerfEngine.Control.LiveIngest;
using NerfEngine.Shared.Fabric.Metrics;

namespace NerfEngine.Control.Ingress.EveStreamer;

/// <summary>
/// Counters of the eve-streamer ingress on the node's metrics registry (<c>/metrics</c>, OpenTelemetry): calls by
/// final grpc-status, streams in progress, streams refused by a concurrency bound, streams ended idle, messages and
/// bytes read, events accepted and rejected (by reason), and the live-ingest queue's answer per event. Updated with Interlocked on the call path; read only on scrape.
/// </summary>
public sealed class EveStreamerMetrics
{
    private readonly long[] _calls = new long[Enum.GetValues<GrpcStatusCode>().Length];
    private readonly long[] _rejected = new long[EventRejections.All.Count];
    private readonly long[] _offered = new long[Enum.GetValues<LiveOfferOutcome>().Length];
    private readonly long[] _refused = new long[Enum.GetValues<StreamLimit>().Length];
    private long _active;
    private long _idle;
    private long _messages;
    private long _compressed;
    private long _bytes;
    private long _accepted;

    public EveStreamerMetrics(NerfMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        metrics.Register("nerf_eve_streamer_calls_total", MetricKind.Counter,
            "eve-streamer gRPC calls finished, by grpc-status (OK, UNAUTHENTICATED, INVALID_ARGUMENT, …).",
            () => Enum.GetValues<GrpcStatusCode>().Select(c => new MetricSample(Interlocked.Read(ref _calls[(int)c]), [new("status", GrpcStatus.NameOf(c))])));
        metrics.Register("nerf_eve_streamer_streams_active", MetricKind.Gauge, "eve-streamer calls in progress.", () => Interlocked.Read(ref _active));
        metrics.Register("nerf_eve_streamer_streams_refused_total", MetricKind.Counter,
            "Calls refused with RESOURCE_EXHAUSTED because the node or the caller's connection already served its most streams, by limit.",
            () => Enum.GetValues<StreamLimit>().Select(l => new MetricSample(Interlocked.Read(ref _refused[(int)l]), [new("limit", StreamAdmission.Label(l))])));
        metrics.Register("nerf_eve_streamer_idle_timeouts_total", MetricKind.Counter,
            "Streams ended with DEADLINE_EXCEEDED after no message for Ingress:EveStreamer:MessageIdleTimeout.", () => Interlocked.Read(ref _idle));
        metrics.Register("nerf_eve_streamer_messages_total", MetricKind.Counter, "Length-prefixed messages read from eve-streamer streams.", () => Interlocked.Read(ref _messages));
        metrics.Register("nerf_eve_streamer_compressed_messages_total", MetricKind.Counter, "Messages that arrived compressed (grpc-encoding gzip or deflate).", () => Interlocked.Read(ref _compressed));
        metrics.Register("nerf_eve_streamer_received_bytes_total", MetricKind.Counter, "Message bytes read (as sent, before decompression).", () => Interlocked.Read(ref _bytes));
        metrics.Register("nerf_eve_streamer_events_total", MetricKind.Counter, "Events by outcome: accepted (taken by the live-ingest queue) or rejected.",
            () => [new MetricSample(Interlocked.Read(ref _accepted), [new("outcome", "accepted")]), new MetricSample(RejectedTotal, [new("outcome", "rejected")])]);
        metrics.Register("nerf_eve_streamer_events_rejected_total", MetricKind.Counter, "Rejected events by reason.",
            () => EventRejections.All.Select(r => new MetricSample(Interlocked.Read(ref _rejected[(int)r]), [new("reason", EventRejections.Label(r))])));
        metrics.Register("nerf_eve_streamer_events_offered_total", MetricKind.Counter, "Valid events by the live-ingest queue's answer.",
            () => Enum.GetValues<LiveOfferOutcome>().Select(o => new MetricSample(Interlocked.Read(ref _offered[(int)o]), [new("outcome", OutcomeLabel(o))])));
    }

    /// <summary>Calls that ended with <paramref name="code"/>.</summary>
    public long Calls(GrpcStatusCode code) => Interlocked.Read(ref _calls[(int)code]);

    public long Active => Interlocked.Read(ref _active);

    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Calls refused because <paramref name="limit"/> was reached.</summary>
    public long Refused(StreamLimit limit) => Interlocked.Read(ref _refused[(int)limit]);

    /// <summary>Streams ended by the message idle timeout.</summary>
    public long IdleTimeouts => Interlocked.Read(ref _idle);

    /// <summary>Messages read that arrived compressed.</summary>
    public long CompressedMessages => Interlocked.Read(ref _compressed);

    public long RejectedTotal
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _rejected.Length; i++)
            {
                total += Interlocked.Read(ref _rejected[i]);
            }

            return total;
        }
    }

    public long Rejected(EventRejectionReason reason) => Interlocked.Read(ref _rejected[(int)reason]);

    public long Offered(LiveOfferOutcome outcome) => Interlocked.Read(ref _offered[(int)outcome]);

    internal void CallStarted() => Interlocked.Increment(ref _active);

    /// <summary>Counts the call by status before it leaves <see cref="Active"/>: once Active is 0, every call is counted.</summary>
    internal void CallEnded(GrpcStatusCode code)
    {
        Interlocked.Increment(ref _calls[(int)code]);
        Interlocked.Decrement(ref _active);
    }

    internal void MessageRead(long bytes, bool compressed)
    {
        Interlocked.Increment(ref _messages);
        Interlocked.Add(ref _bytes, bytes);
        if (compressed)
        {
            Interlocked.Increment(ref _compressed);
        }
    }

    internal void EventOffered(LiveOfferOutcome outcome)
    {
        Interlocked.Increment(ref _offered[(int)outcome]);
        if (outcome != LiveOfferOutcome.Unmappable)
        {
            Interlocked.Increment(ref _accepted);
        }
    }

    internal void StreamRefused(StreamLimit limit) => Interlocked.Increment(ref _refused[(int)limit]);

    internal void StreamIdled() => Interlocked.Increment(ref _idle);

    internal void EventRejected(EventRejectionReason reason) => Interlocked.Increment(ref _rejected[(int)reason]);

    /// <summary>snake_case label of a queue outcome: queued, dropped_queue_full, dropped_above_baseline, dropped_low_novelty, unmappable.</summary>
    public static string OutcomeLabel(LiveOfferOutcome outcome) => outcome switch
    {
        LiveOfferOutcome.Queued => "queued",
        LiveOfferOutcome.DroppedQueueFull => "dropped_queue_full",
        LiveOfferOutcome.DroppedAboveBaseline => "dropped_above_baseline",
        LiveOfferOutcome.DroppedLowNovelty => "dropped_low_novelty",
        LiveOfferOutcome.Unmappable => "unmappable",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };
}
