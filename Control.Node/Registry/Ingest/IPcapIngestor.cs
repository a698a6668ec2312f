namespace NerfEngine.Control.Registry.Ingest;

/// <summary>Replays one capture file into the node's graph engine (the embedded node's implementation wraps PcapReplayJob).</summary>
public interface IPcapIngestor
{
    /// <summary>Replays <paramref name="canonicalPath"/> (already checked by <see cref="PcapPathPolicy"/>) and reports what it did.</summary>
    Task<PcapIngestResult> IngestAsync(string canonicalPath, string speed, CancellationToken cancellationToken);
}

/// <summary>What one ingest did.</summary>
/// <param name="Completed">The whole file was read.</param>
/// <param name="PacketsRead">Frames read from the file.</param>
/// <param name="ParseErrors">Frames counted as parse errors.</param>
/// <param name="BatchesApplied">Edge batches the engine applied.</param>
/// <param name="EdgesApplied">Edges the engine applied.</param>
/// <param name="CardsEmitted">Event cards the autopilot emitted meanwhile.</param>
/// <param name="Error">Why the replay stopped early, when it did.</param>
public sealed record PcapIngestResult(bool Completed, long PacketsRead, long ParseErrors, long BatchesApplied, long EdgesApplied, long CardsEmitted, string? Error);
