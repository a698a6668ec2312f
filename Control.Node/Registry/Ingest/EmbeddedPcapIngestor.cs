using NerfEngine.Control.Embedded;
using NerfEngine.Control.Engine;
using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Shared.Fabric.Transport;

namespace NerfEngine.Control.Registry.Ingest;

/// <summary>
/// The embedded node's ingest: the lead's <see cref="PcapReplayJob"/> (pcap → sensor pipeline → in-process
/// transport → graph engine). The engine must be subscribed to the transport (the run verb does that).
/// </summary>
public sealed class EmbeddedPcapIngestor(GraphEngine engine, IEdgeBatchTransport transport, EventCardFeed cards) : IPcapIngestor
{
    public async Task<PcapIngestResult> IngestAsync(string canonicalPath, string speed, CancellationToken cancellationToken)
    {
        if (!ReplaySpeed.TryParse(speed, out var pace))
        {
            throw new ArgumentException($"Unknown replay speed '{speed}'.", nameof(speed));
        }

        var result = await new PcapReplayJob(engine, transport, cards).RunAsync(canonicalPath, pace, cancellationToken).ConfigureAwait(false);
        return new PcapIngestResult(result.Replay.Completed, result.Replay.PacketsRead, result.Replay.Capture.ParseErrors,
            result.BatchesApplied, result.EdgesApplied, result.CardsEmitted, result.Replay.Error);
    }
}
