using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Publishing;

namespace NerfEngine.Sensor.Pipeline;

/// <summary>What to replay and how.</summary>
/// <param name="Path">The pcap or pcapng file.</param>
/// <param name="Speed">As fast as possible, or the recorded timing divided by a factor.</param>
/// <param name="Flows">Flow tracker settings (section <c>Flows</c>).</param>
/// <param name="Publishing">Batching and publishing settings (section <c>Publishing</c>).</param>
/// <param name="MaxConversations">Rows kept for the per-conversation summary; 0 keeps none.</param>
/// <param name="Threads">
/// Threads of a maximum-speed replay: <see cref="ReadAheadThreads"/> (the default) parses on a read-ahead thread beside
/// the flow tracker, fastest by the clock; <see cref="OneThread"/> does all on one, the least CPU per packet (no
/// hand-over between cores). Paced replays always use one.
/// </param>
/// <param name="DrainTimeout">
/// How long the end of a replay waits for buffered batches to be published before abandoning them
/// (counted as failed); null means <see cref="DefaultDrainTimeout"/>.
/// </param>
public sealed record ReplayOptions(
    string Path,
    ReplaySpeed Speed,
    FlowTrackerOptions Flows,
    PublishingOptions Publishing,
    int MaxConversations = ConversationLedger.DefaultMaxConversations,
    TimeSpan? DrainTimeout = null,
    CaptureFileAccess FileAccess = CaptureFileAccess.Mapped,
    int Threads = ReplayOptions.ReadAheadThreads)
{
    /// <summary>Everything on one thread.</summary>
    public const int OneThread = 1;

    /// <summary>A read-ahead thread parses while the replay loop tracks (the default).</summary>
    public const int ReadAheadThreads = 2;

    /// <summary>A transport that has not taken the last batches in this time is not going to.</summary>
    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The drain timeout in force.</summary>
    public TimeSpan EffectiveDrainTimeout => DrainTimeout ?? DefaultDrainTimeout;

    /// <summary>Default settings for <paramref name="path"/> at maximum speed.</summary>
    public static ReplayOptions For(string path) =>
        new(path, ReplaySpeed.Maximum, new FlowTrackerOptions(), new PublishingOptions { WhenOutboxFull = OutboxFullPolicy.Wait });
}
