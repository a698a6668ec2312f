using System.Text.Json;

namespace NerfEngine.Control.Registry;

/// <summary>How a call ended, from the caller's side.</summary>
public enum ToolCallStatus
{
    /// <summary>Executed (or, on a dry run, admitted) and the output passed its schema.</summary>
    Succeeded,

    /// <summary>Refused or failed with a <see cref="ToolError"/> the model can act on (MCP: <c>isError: true</c>).</summary>
    ToolError,

    /// <summary>No tool of that name exists (MCP: JSON-RPC invalid params).</summary>
    UnknownTool,

    /// <summary>The handler crashed or produced output that failed its schema (MCP: JSON-RPC internal error); nothing leaked.</summary>
    InternalError,
}

/// <summary>The outcome of <see cref="ToolRegistry.CallAsync"/>.</summary>
/// <param name="CallId">The audit record id.</param>
/// <param name="Tool">Tool name as requested.</param>
/// <param name="Status">How it ended.</param>
/// <param name="Structured">Validated output (<c>structuredContent</c>) when <see cref="ToolCallStatus.Succeeded"/> and executed.</param>
/// <param name="Error">The error when not succeeded.</param>
/// <param name="Committed">False on a dry run: nothing was executed.</param>
/// <param name="EstimatedEffect">On a dry run: what the call would have done, as far as the tool can tell without doing it.</param>
public sealed record ToolCallResult(
    Guid CallId,
    string Tool,
    ToolCallStatus Status,
    JsonElement? Structured,
    ToolError? Error,
    bool Committed,
    string? EstimatedEffect = null)
{
    /// <summary>True when the call succeeded.</summary>
    public bool IsSuccess => Status == ToolCallStatus.Succeeded;
}
