namespace NerfEngine.Control.Registry;

/// <summary>
/// A tool error the model can act on: returned as an MCP tool result with <c>isError: true</c>, never as a
/// JSON-RPC error. <see cref="Code"/> is stable (an agent may branch on it); <see cref="Message"/> is for the model.
/// </summary>
/// <param name="Code">One of <see cref="ToolErrorCodes"/>.</param>
/// <param name="Message">What went wrong and what to do about it.</param>
/// <param name="Retryable">The same call may succeed later unchanged.</param>
/// <param name="RetryAfterMs">When retryable: the earliest useful retry, in milliseconds from now.</param>
/// <param name="Details">Every individual problem (one line per validation error).</param>
public sealed record ToolError(string Code, string Message, bool Retryable = false, long? RetryAfterMs = null, IReadOnlyList<string>? Details = null);

/// <summary>Stable error codes of tool errors.</summary>
public static class ToolErrorCodes
{
    /// <summary>Arguments failed the input schema or a semantic check; <see cref="ToolError.Details"/> lists every problem.</summary>
    public const string InvalidArguments = "INVALID_ARGUMENTS";

    /// <summary>The tool's minimum interval has not elapsed; retry after <see cref="ToolError.RetryAfterMs"/>.</summary>
    public const string RateLimited = "RATE_LIMITED";

    /// <summary>The agent's mutation budget for the sliding window is spent (SPEC §6 name).</summary>
    public const string MutationBudgetExceeded = "MUTATION_BUDGET_EXCEEDED";

    /// <summary>The agent's mode is below the tool's required mode.</summary>
    public const string ModeNotPermitted = "MODE_NOT_PERMITTED";

    /// <summary>The thing the arguments name (edge, scope, job) does not exist.</summary>
    public const string NotFound = "NOT_FOUND";

    /// <summary>A server-side path is outside the allowed directory, escapes it through a link, or is missing.</summary>
    public const string PathNotAllowed = "PATH_NOT_ALLOWED";

    /// <summary>The engine or a collaborator (executor, ingestor) is not available on this node.</summary>
    public const string Unavailable = "UNAVAILABLE";

    /// <summary>The language model could not answer (daemon unreachable, model not pulled, timeout); retry when it is back.</summary>
    public const string ModelUnavailable = "MODEL_UNAVAILABLE";

    /// <summary>The language model answered with output that fails validation (counted in get_tak_ml_status); a retry may succeed.</summary>
    public const string InvalidModelOutput = "INVALID_MODEL_OUTPUT";

    /// <summary>The request conflicts with current state (e.g. rules that fail validation are not swapped in).</summary>
    public const string Conflict = "CONFLICT";
}
