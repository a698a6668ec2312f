using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Sensor.Publishing;

namespace NerfEngine.Sensor.Pipeline;

/// <summary>Everything a finished (or stopped) replay reports: what <c>replay</c> prints and <c>--json</c> writes.</summary>
/// <param name="Path">The file replayed.</param>
/// <param name="Format">Its container format.</param>
/// <param name="Speed">The pacing used.</param>
/// <param name="Elapsed">Wall time the replay took.</param>
/// <param name="PacketsRead">Records read.</param>
/// <param name="FileLength">File size in bytes.</param>
/// <param name="FirstTimestampNs">First record's timestamp (Unix epoch ns), 0 for an empty file.</param>
/// <param name="LastTimestampNs">Last record's timestamp.</param>
/// <param name="ParseOutcomes">Frames per <see cref="ParseOutcome"/> (indexed by the enum).</param>
/// <param name="Fragments">IP fragments among the parsed frames.</param>
/// <param name="Flows">Flow tracker counters after the end-of-capture flush.</param>
/// <param name="Publishing">Batching and publishing counters after the outbox drained.</param>
/// <param name="Capture">The engine-independent capture statistics.</param>
/// <param name="Conversations">Per-conversation totals, ordered by first packet.</param>
/// <param name="OmittedConversations">Conversations beyond the ledger's bound (counted only).</param>
/// <param name="Completed">True when the whole file was read; false when stopped or broken.</param>
/// <param name="Error">Why reading stopped early (a structural error in the file), or null.</param>
/// <param name="Warning">Something worth saying that did not stop the replay (a cut-off last record), or null.</param>
public sealed record ReplaySummary(
    string Path,
    CaptureFileFormat Format,
    ReplaySpeed Speed,
    TimeSpan Elapsed,
    long PacketsRead,
    long FileLength,
    long FirstTimestampNs,
    long LastTimestampNs,
    long[] ParseOutcomes,
    long Fragments,
    FlowTrackerStats Flows,
    PublishingStats Publishing,
    CaptureStats Capture,
    ConversationTable Conversations,
    long OmittedConversations,
    bool Completed,
    string? Error,
    string? Warning)
{
    /// <summary>Frames that parsed with one outcome.</summary>
    public long Outcome(ParseOutcome outcome) => ParseOutcomes[(int)outcome];
}
