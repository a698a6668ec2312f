namespace NerfEngine.Control.Registry.Ingest;

/// <summary>States of an ingest job.</summary>
public enum IngestJobState { Queued, Running, Succeeded, Failed }

/// <summary>One ingest_pcap job as get_ingest_job reports it (immutable snapshot).</summary>
/// <param name="JobId">Id returned by ingest_pcap (the call's audit id).</param>
/// <param name="Path">File, relative to the capture directory.</param>
/// <param name="Speed">Replay speed.</param>
/// <param name="Agent">Who submitted it.</param>
/// <param name="State">Where it is.</param>
/// <param name="QueuedAt">Submission time.</param>
/// <param name="StartedAt">When it started running.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Result">What it did, once finished.</param>
/// <param name="Error">Why it failed.</param>
public sealed record IngestJob(
    string JobId,
    string Path,
    string Speed,
    string Agent,
    IngestJobState State,
    DateTimeOffset QueuedAt,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? FinishedAt = null,
    PcapIngestResult? Result = null,
    string? Error = null);
