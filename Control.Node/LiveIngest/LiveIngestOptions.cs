using System.Globalization;

namespace NerfEngine.Control.LiveIngest;

/// <summary>
/// Every number of the live-ingest path (SPEC §8), each a named default that configuration can override
/// (section <c>LiveIngest</c>, e.g. <c>NERF__LiveIngest__Capacity=50000</c>). Time-based filters run on the node's
/// <see cref="TimeProvider"/> (arrival time), not on event time: a replayed or late stream must not look like a burst.
/// </summary>
public sealed class LiveIngestOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "LiveIngest";

    // ---- Queue ----

    /// <summary>Events waiting for <c>ingest_live_event</c>; past this, offers are dropped and counted (queue_full).</summary>
    public const int DefaultCapacity = 10_000;

    /// <summary>Distinct sources (and event types) counted by name; further ones share one "(other)" row.</summary>
    public const int DefaultMaxTrackedNames = 64;

    /// <summary>GraphEdge.sensor_id of committed live edges: apart from the capture sensors' 1, so they can be told apart.</summary>
    public const ushort DefaultSensorId = 0xFFFE;

    /// <summary>EdgeBatch.sensor_id of committed live batches (the engine drops redelivered sequences per sensor).</summary>
    public const string DefaultBatchSensorName = "live-ingest";

    // ---- Event-type frequency filter ----

    /// <summary>Sliding window the per-type arrival rate is counted over, and the length of one baseline sample.</summary>
    public static readonly TimeSpan DefaultFrequencyWindow = TimeSpan.FromSeconds(10);

    /// <summary>Buckets the sliding window is kept in (its resolution is window / buckets).</summary>
    public const int DefaultFrequencyBuckets = 10;

    /// <summary>SPEC §8 "above baseline + sigma": the number of standard deviations above the mean that is tolerated.</summary>
    public const double DefaultFrequencySigmas = 1.0;

    /// <summary>Completed windows a type must have before its baseline judges anything (warm-up: everything passes).</summary>
    public const int DefaultFrequencyWarmupWindows = 6;

    /// <summary>Effective memory of the baseline in windows (EWMA weight 2 / (N + 1)).</summary>
    public const int DefaultFrequencyBaselineWindows = 30;

    /// <summary>A window's count teaches the baseline at most mean + this many sigmas (one burst cannot make bursts normal).</summary>
    public const double DefaultFrequencyBaselineClampSigmas = 3.0;

    /// <summary>A type silent this long forgets its baseline and warms up again (a stale baseline judges nothing).</summary>
    public static readonly TimeSpan DefaultFrequencyIdleReset = TimeSpan.FromMinutes(5);

    // ---- Novelty filter ----

    /// <summary>An event below this novelty (see <see cref="NoveltyFilter"/>) is dropped.</summary>
    public const double DefaultMinNovelty = 0.25;

    /// <summary>How long a seen edge or endpoint makes a repeat of it "not new".</summary>
    public static readonly TimeSpan DefaultNoveltyWindow = TimeSpan.FromSeconds(60);

    /// <summary>Fingerprints remembered at most; the oldest are forgotten first (memory stays bounded under any stream).</summary>
    public const int DefaultMaxFingerprints = 262_144;

    // ---- Score gate and the ingest tool ----

    /// <summary>SPEC §8: with a scorer configured, an event needs a model score ≥ this to be committed.</summary>
    public const double DefaultMinScore = 0.65;

    /// <summary>Events ingest_live_event takes when max_events is absent.</summary>
    public const int DefaultEventsPerCall = 500;

    /// <summary>Most events one ingest_live_event call takes (the schema's hard maximum is <see cref="HardEventsPerCall"/>).</summary>
    public const int DefaultMaxEventsPerCall = 5_000;

    /// <summary>Schema maximum of max_events, fixed at build time.</summary>
    public const int HardEventsPerCall = 100_000;

    /// <summary>Edges per EdgeBatch a commit is split into (the sensor batching default).</summary>
    public const int DefaultEdgesPerBatch = 4096;

    // ---- connect_stream ----

    /// <summary>How long connect_stream waits for the first WebSocket handshake before answering.</summary>
    public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Delay before the first reconnect; doubles per consecutive failure.</summary>
    public static readonly TimeSpan DefaultReconnectMinBackoff = TimeSpan.FromSeconds(1);

    /// <summary>Cap of the reconnect delay.</summary>
    public static readonly TimeSpan DefaultReconnectMaxBackoff = TimeSpan.FromSeconds(60);

    /// <summary>Jitter of the reconnect delay as a fraction (0.2: up to +20 %), so many nodes do not reconnect in step.</summary>
    public const double DefaultReconnectJitter = 0.2;

    /// <summary>A connection that stayed up this long was healthy: the next reconnect starts from the minimum delay again.</summary>
    public static readonly TimeSpan DefaultReconnectResetAfter = TimeSpan.FromSeconds(30);

    /// <summary>Largest WebSocket message accepted; a larger one is skipped and counted (oversized).</summary>
    public const int DefaultMaxMessageBytes = 1 << 20;

    /// <summary>Streams one node keeps open at once.</summary>
    public const int DefaultMaxStreams = 16;

    /// <summary>Flattened fields kept per eve event; further ones are cut (the event keeps what fits).</summary>
    public const int DefaultMaxEntitiesPerEvent = 256;

    public int Capacity { get; set; } = DefaultCapacity;
    public int MaxTrackedNames { get; set; } = DefaultMaxTrackedNames;
    public ushort SensorId { get; set; } = DefaultSensorId;
    public string BatchSensorName { get; set; } = DefaultBatchSensorName;

    public bool FrequencyFilterEnabled { get; set; } = true;
    public TimeSpan FrequencyWindow { get; set; } = DefaultFrequencyWindow;
    public int FrequencyBuckets { get; set; } = DefaultFrequencyBuckets;
    public double FrequencySigmas { get; set; } = DefaultFrequencySigmas;
    public int FrequencyWarmupWindows { get; set; } = DefaultFrequencyWarmupWindows;
    public int FrequencyBaselineWindows { get; set; } = DefaultFrequencyBaselineWindows;
    public double FrequencyBaselineClampSigmas { get; set; } = DefaultFrequencyBaselineClampSigmas;
    public TimeSpan FrequencyIdleReset { get; set; } = DefaultFrequencyIdleReset;

    public bool NoveltyFilterEnabled { get; set; } = true;
    public double MinNovelty { get; set; } = DefaultMinNovelty;
    public TimeSpan NoveltyWindow { get; set; } = DefaultNoveltyWindow;
    public int MaxFingerprints { get; set; } = DefaultMaxFingerprints;

    /// <summary>Use a registered <see cref="ILiveEventScorer"/> when there is one (false: the gate is off even then).</summary>
    public bool ScoreGateEnabled { get; set; } = true;

    /// <summary>
    /// Register the run_tak_ml flow model (<see cref="FlowModelLiveEventScorer"/>) as the scorer. Off by default: the
    /// model is optional (SPEC §8), and each scored event costs one model call.
    /// </summary>
    public bool ScoreWithFlowModel { get; set; }
    public double MinScore { get; set; } = DefaultMinScore;

    /// <summary>
    /// When the scorer fails (model unreachable, bad answer): true commits the event unscored (counted as
    /// scorer_errors; SPEC §5: the model must never be required), false drops it (counted too).
    /// </summary>
    public bool CommitWhenScorerFails { get; set; } = true;

    /// <summary>Events ingest_live_event takes when max_events is absent (never more than <see cref="MaxEventsPerIngest"/>).</summary>
    public int DefaultEventsPerIngest { get; set; } = DefaultEventsPerCall;

    /// <summary>What a call without max_events takes.</summary>
    public int EventsPerIngest(int? requested) => requested ?? Math.Min(DefaultEventsPerIngest, MaxEventsPerIngest);
    public int MaxEventsPerIngest { get; set; } = DefaultMaxEventsPerCall;
    public int EdgesPerBatch { get; set; } = DefaultEdgesPerBatch;

    public TimeSpan HandshakeTimeout { get; set; } = DefaultHandshakeTimeout;
    public TimeSpan ReconnectMinBackoff { get; set; } = DefaultReconnectMinBackoff;
    public TimeSpan ReconnectMaxBackoff { get; set; } = DefaultReconnectMaxBackoff;
    public double ReconnectJitter { get; set; } = DefaultReconnectJitter;
    public TimeSpan ReconnectResetAfter { get; set; } = DefaultReconnectResetAfter;
    public int MaxMessageBytes { get; set; } = DefaultMaxMessageBytes;
    public int MaxStreams { get; set; } = DefaultMaxStreams;
    public int MaxEntitiesPerEvent { get; set; } = DefaultMaxEntitiesPerEvent;

    /// <summary>
    /// Bearer tokens of stream endpoints by credential name (<c>LiveIngest:StreamTokens:sensor-a=…</c>, or
    /// <c>NERF__LiveIngest__StreamTokens__sensor-a</c>). connect_stream names the credential, never the token, so the
    /// secret stays out of the model's context and out of the audit journal.
    /// </summary>
    public Dictionary<string, string> StreamTokens { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Every problem with these options (empty when valid), naming the key.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, FormattableString problem)
        {
            if (!ok) errors.Add($"{Section}:{problem.ToString(CultureInfo.InvariantCulture)}");
        }

        Check(Capacity >= 1, $"Capacity must be at least 1 (got {Capacity}).");
        Check(MaxTrackedNames >= 1, $"MaxTrackedNames must be at least 1.");
        Check(!string.IsNullOrWhiteSpace(BatchSensorName), $"BatchSensorName must not be empty.");
        Check(FrequencyWindow > TimeSpan.Zero, $"FrequencyWindow must be positive.");
        Check(FrequencyBuckets is >= 1 and <= 1000, $"FrequencyBuckets must be 1 to 1000 (got {FrequencyBuckets}).");
        Check(FrequencyBuckets < 1 || FrequencyWindow.Ticks % FrequencyBuckets == 0,
            $"FrequencyWindow must divide into FrequencyBuckets whole ticks.");
        Check(double.IsFinite(FrequencySigmas) && FrequencySigmas >= 0, $"FrequencySigmas must be ≥ 0 (got {FrequencySigmas}).");
        Check(FrequencyWarmupWindows >= 1, $"FrequencyWarmupWindows must be at least 1.");
        Check(FrequencyBaselineWindows >= 1, $"FrequencyBaselineWindows must be at least 1.");
        Check(double.IsFinite(FrequencyBaselineClampSigmas) && FrequencyBaselineClampSigmas >= FrequencySigmas,
            $"FrequencyBaselineClampSigmas must be ≥ FrequencySigmas.");
        Check(FrequencyIdleReset > FrequencyWindow, $"FrequencyIdleReset must be longer than FrequencyWindow.");
        Check(MinNovelty is >= 0 and <= 1, $"MinNovelty must be in [0, 1] (got {MinNovelty}).");
        Check(NoveltyWindow > TimeSpan.Zero, $"NoveltyWindow must be positive.");
        Check(MaxFingerprints >= 3, $"MaxFingerprints must be at least 3.");
        Check(MinScore is >= 0 and <= 1, $"MinScore must be in [0, 1] (got {MinScore}).");
        Check(MaxEventsPerIngest is >= 1 and <= HardEventsPerCall, $"MaxEventsPerIngest must be 1 to {HardEventsPerCall}.");
        Check(DefaultEventsPerIngest >= 1, $"DefaultEventsPerIngest must be at least 1.");
        Check(EdgesPerBatch >= 1, $"EdgesPerBatch must be at least 1.");
        Check(HandshakeTimeout > TimeSpan.Zero, $"HandshakeTimeout must be positive.");
        Check(ReconnectMinBackoff >= TimeSpan.Zero && ReconnectMaxBackoff >= ReconnectMinBackoff,
            $"ReconnectMinBackoff must be ≥ 0 and ≤ ReconnectMaxBackoff.");
        Check(ReconnectJitter is >= 0 and <= 1, $"ReconnectJitter must be in [0, 1].");
        Check(ReconnectResetAfter > TimeSpan.Zero, $"ReconnectResetAfter must be positive.");
        Check(MaxMessageBytes >= 64, $"MaxMessageBytes must be at least 64.");
        Check(MaxStreams >= 1, $"MaxStreams must be at least 1.");
        Check(MaxEntitiesPerEvent >= 4, $"MaxEntitiesPerEvent must be at least 4.");
        foreach (var (name, token) in StreamTokens)
        {
            Check(!string.IsNullOrWhiteSpace(token), $"StreamTokens:{name} must not be empty.");
        }

        return errors;
    }
}
