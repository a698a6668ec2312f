using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using NerfEngine.Control.Registry.Ingest;
using NerfEngine.Sensor.Capture.Files;

namespace NerfEngine.Control.Registry.Tools;

/// <summary>
/// ingest_pcap (SPEC §6: 10 s, server-side path inside an allowed directory only, async job id) and its status
/// tool get_ingest_job. The path is canonicalised and checked before admission, so a refused path costs no budget
/// and never reaches the engine; an admitted call only queues the job and returns its id.
/// </summary>
public sealed class PcapIngestTools(PcapPathPolicy paths, IngestJobQueue jobs) : IToolGroup
{
    public IEnumerable<ToolDefinition> CreateTools()
    {
        yield return ToolDefinition.Mutation<IngestPcapInput, IngestJobOutput>(
                "ingest_pcap", "Ingest capture file",
                "Replays a pcap/pcapng file from the node's capture directory into the graph as a background job; returns the job id " +
                "(poll get_ingest_job). 'path' is relative to the capture directory; paths outside it are refused.",
                Ingest)
            .WithCheck(Check)
            .WithMinInterval(TimeSpan.FromSeconds(10), RateLimitScope.Global)
            .WithHints(new ToolHints(ReadOnly: false, Destructive: false, Idempotent: false, OpenWorld: true))
            .WithEffectEstimate(i => $"replays capture file '{i.Path}' into the graph")
            .WithSummary(o => $"job={o.Job.JobId}, path={o.Job.Path}, state={o.Job.State}");

        yield return ToolDefinition.Query<IngestJobInput, IngestJobOutput>(
                "get_ingest_job", "Ingest job status",
                "State and result of an ingest_pcap job (queued, running, succeeded, failed).",
                Status)
            .WithSummary(o => $"job={o.Job.JobId}, state={o.Job.State}");
    }

    private IReadOnlyList<string> Check(IngestPcapInput input, ToolCall call)
    {
        var problems = new List<string>();
        if (!ReplaySpeed.TryParse(input.Speed, out _))
        {
            problems.Add($"speed: '{input.Speed}' is not max, 1x, or a positive factor such as 2.5");
        }

        paths.Resolve(input.Path); // throws PATH_NOT_ALLOWED / NOT_FOUND with the reason
        return problems;
    }

    private ValueTask<IngestJobOutput> Ingest(IngestPcapInput input, ToolCall call, CancellationToken ct)
    {
        // Resolved again: the file may have been swapped for a link since the check.
        var canonical = paths.Resolve(input.Path);
        var id = call.CallId.ToString("D");
        if (!jobs.TryEnqueue(id, canonical, paths.Display(canonical), input.Speed, call.Agent.Name, out var job))
        {
            throw new ToolFailureException(ToolErrorCodes.Unavailable, "The ingest queue is full; retry when get_ingest_job shows earlier jobs finished.", retryable: true, noEffect: true);
        }

        return ValueTask.FromResult(new IngestJobOutput(Entry(job)));
    }

    private ValueTask<IngestJobOutput> Status(IngestJobInput input, ToolCall call, CancellationToken ct) =>
        jobs.TryGet(input.JobId, out var job)
            ? ValueTask.FromResult(new IngestJobOutput(Entry(job!)))
            : throw new ToolFailureException(ToolErrorCodes.NotFound, $"No ingest job '{input.JobId}' (only the most recent jobs are kept).");

    private static IngestJobEntry Entry(IngestJob j) => new(
        j.JobId, j.Path, j.Speed, j.Agent, j.State, j.QueuedAt, j.StartedAt, j.FinishedAt,
        j.Result is { } r ? new IngestResultEntry(r.Completed, r.PacketsRead, r.ParseErrors, r.BatchesApplied, r.EdgesApplied, r.CardsEmitted) : null,
        j.Error);
}

public sealed record IngestPcapInput(
    [property: Description("Capture file path relative to the node's capture directory."), MinLength(1), MaxLength(1024)] string Path,
    [property: Description("Replay pacing: max (default), 1x (recorded timing) or a factor such as 2.5."), MaxLength(16)] string Speed = "max");

public sealed record IngestJobInput([property: Description("Job id from ingest_pcap."), MinLength(1), MaxLength(64)] string JobId);

public sealed record IngestResultEntry(bool Completed, long PacketsRead, long ParseErrors, long BatchesApplied, long EdgesApplied, long CardsEmitted);

public sealed record IngestJobEntry(
    string JobId, string Path, string Speed, string Agent, IngestJobState State, DateTimeOffset QueuedAt,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, IngestResultEntry? Result, string? Error);

public sealed record IngestJobOutput(IngestJobEntry Job);
