namespace NerfEngine.Control.Registry;

/// <summary>
/// Thrown by a tool handler (or its argument check) for an expected failure the model should see:
/// the registry turns it into a <see cref="ToolError"/> result. Anything else a handler throws is an
/// internal error and its message does not leave the node.
/// </summary>
/// <remarks>
/// A mutating tool that fails before changing anything says so with <c>noEffect: true</c> (the model was down, the edge
/// was gone, the queue was full): the registry then gives the call's budget unit back and journals the outcome as
/// <see cref="Audit.AuditOutcomes.NoEffect"/>, so an agent retrying a retryable failure does not spend its budget on it.
/// Leave it false whenever anything may have changed before the failure.
/// </remarks>
public sealed class ToolFailureException : Exception
{
    public ToolFailureException(string code, string message, bool retryable = false, IReadOnlyList<string>? details = null, bool noEffect = false)
        : base(message)
    {
        Error = new ToolError(code, message, retryable, null, details);
        NoEffect = noEffect;
    }

    public ToolFailureException()
        : this(ToolErrorCodes.Conflict, "The tool failed.")
    {
    }

    public ToolFailureException(string message)
        : this(ToolErrorCodes.Conflict, message)
    {
    }

    public ToolFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new ToolError(ToolErrorCodes.Conflict, message);
    }

    /// <summary>The error returned to the caller.</summary>
    public ToolError Error { get; }

    /// <summary>The tool changed nothing before failing, so an admitted mutation's budget unit is refunded.</summary>
    public bool NoEffect { get; }
}
