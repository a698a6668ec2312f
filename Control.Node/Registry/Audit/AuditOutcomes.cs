namespace NerfEngine.Control.Registry.Audit;

/// <summary>Outcome names in audit records: one per way a call can end.</summary>
public static class AuditOutcomes
{
    public const string Ok = "ok";

    /// <summary>
    /// Write-ahead record of an admitted mutation, appended (and awaited) before the mutation runs: its budget unit is
    /// durable before anything changes. The same call id's outcome record follows; a call with only this record was
    /// interrupted (e.g. the node was killed) between admission and outcome, and its budget unit stays spent.
    /// </summary>
    public const string Admitted = "admitted";
    public const string DryRun = "dry_run";

    /// <summary>
    /// An admitted mutation whose tool failed before changing anything (<see cref="ToolFailureException.NoEffect"/>; the
    /// error code says why): its budget unit was given back, and a budget restore does not count its call id.
    /// </summary>
    public const string NoEffect = "no_effect";
    public const string InvalidArguments = "invalid_arguments";
    public const string RateLimited = "rate_limited";
    public const string MutationBudgetExceeded = "mutation_budget_exceeded";
    public const string ModeNotPermitted = "mode_not_permitted";
    public const string ToolError = "tool_error";
    public const string UnknownTool = "unknown_tool";
    public const string OutputInvalid = "output_invalid";
    public const string InternalError = "internal_error";

    // Refused by the MCP endpoint before reaching the registry.
    public const string Unauthorized = "unauthorized";
    public const string ForbiddenOrigin = "forbidden_origin";
    public const string PayloadTooLarge = "payload_too_large";
    public const string NotAcceptable = "not_acceptable";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string ParseError = "parse_error";
    public const string InvalidRequest = "invalid_request";
    public const string InvalidParams = "invalid_params";
    public const string MethodNotFound = "method_not_found";
    public const string ProtocolError = "protocol_error";

    /// <summary>Outcome of a refused call by its tool error code.</summary>
    public static string ForToolError(string code) => code switch
    {
        ToolErrorCodes.InvalidArguments or ToolErrorCodes.PathNotAllowed => InvalidArguments,
        ToolErrorCodes.RateLimited => RateLimited,
        ToolErrorCodes.MutationBudgetExceeded => MutationBudgetExceeded,
        ToolErrorCodes.ModeNotPermitted => ModeNotPermitted,
        _ => ToolError,
    };
}
