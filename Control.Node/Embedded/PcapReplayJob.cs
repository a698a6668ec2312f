using NerfEngine.Control.Engine;
using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Shared.Fabric.Transport;

namespace NerfEngine.Control.Embedded;

/// <summary>What one embedded replay did, end to end.</summary>
public sealed record PcapReplayResult(ReplaySummary Replay, long BatchesApplied, long EdgesApplied, long CardsEmitted);

/// <summary>
/// Replays a capture file through the sensor's pcap engine into this node's graph engine:
/// pcap → parser → flows → edges → batches → in-process transport → detectors → autopilot.
/// </summary>
public sealed class PcapReplayJob(GraphEngine engine, IEdgeBatchPublisher transport, EventCardFeed cards)
{
    /// <summary>Event time past the last packet that is advanced at the end, so every open detector window closes.</summary>
    public static readonly TimeSpan WindowFlush = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for the engine to apply what the replay published.</summary>
    public static readonly TimeSpan ApplyTimeout = TimeSpan.FromMinutes(5);

    public async Task<PcapReplayResult> RunAsync(string path, ReplaySpeed speed, CancellationToken cancellationToken = default)
    {
        var before = Snapshot();
        var cardsBefore = cards.Emitted;
        var options = ReplayOptions.For(path) with { Speed = speed };
        var summary = await ReplayPipeline.RunAsync(options, transport, cancellationToken);

        // Published batches are confirmed when queued; wait until the engine has applied them all.
        var expected = before.Handled + summary.Publishing.BatchesPublished;
        var deadline = DateTime.UtcNow + ApplyTimeout;
        while (Snapshot().Handled < expected)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the graph engine applied {Snapshot().Handled - before.Handled} of {summary.Publishing.BatchesPublished} batches within {ApplyTimeout}");
            await Task.Delay(10, cancellationToken);
        }
        if (summary.LastTimestampNs > 0)
            await engine.AdvanceAsync(summary.LastTimestampNs + (long)WindowFlush.TotalNanoseconds, cancellationToken);

        var after = Snapshot();
        return new PcapReplayResult(summary, after.Batches - before.Batches, after.Edges - before.Edges, cards.Emitted - cardsBefore);
    }

    private (long Handled, long Batches, long Edges) Snapshot()
    {
        var c = engine.Counters;
        var batches = Interlocked.Read(ref c.Batches);
        return (batches + Interlocked.Read(ref c.DuplicateBatches) + Interlocked.Read(ref c.MalformedBatches), batches, Interlocked.Read(ref c.Edges));
    }
}
