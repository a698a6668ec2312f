using System.Text.Json;

namespace NerfEngine.Control.Autonomy.Execution;

/// <summary>
/// How the executor calls a tool. The tool registry implements it (input validation, rate limits, audit record,
/// metrics); the executor never touches the graph itself. Called one at a time: the executor waits for each result.
/// </summary>
public interface IToolInvoker
{
    /// <summary>
    /// Runs <paramref name="tool"/> with <paramref name="args"/>. Report failures as results (rate limits as
    /// <see cref="ToolInvocationStatus.RateLimited"/>); a thrown exception or a cancellation (the executor's timeout)
    /// is recorded as an error too.
    /// </summary>
    ValueTask<ToolInvocationResult> InvokeAsync(string tool, JsonElement args, CancellationToken cancellationToken);
}

/// <summary>How a tool call ended.</summary>
public enum ToolInvocationStatus
{
    /// <summary>Done; the mutation is committed.</summary>
    Succeeded = 0,

    /// <summary>Failed (invalid input, engine error, timeout).</summary>
    Failed = 1,

    /// <summary>Refused by the tool's rate limit; retryable.</summary>
    RateLimited = 2,
}

/// <summary>A tool call's result: a status and a short summary (never a full snapshot) or the error.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Summary">Result summary on success, error text otherwise.</param>
public sealed record ToolInvocationResult(ToolInvocationStatus Status, string? Summary)
{
    /// <summary>True when the mutation is committed.</summary>
    public bool Succeeded => Status == ToolInvocationStatus.Succeeded;

    /// <summary>A success with an optional summary.</summary>
    public static ToolInvocationResult Success(string? summary = null) => new(ToolInvocationStatus.Succeeded, summary);

    /// <summary>A failure with its error.</summary>
    public static ToolInvocationResult Failure(string error) => new(ToolInvocationStatus.Failed, error);

    /// <summary>A rate-limit refusal.</summary>
    public static ToolInvocationResult RateLimit(string error) => new(ToolInvocationStatus.RateLimited, error);
}
