namespace NerfEngine.Control.Registry;

/// <summary>
/// Thrown by a tool handler (or its argument check) for an expected failure the model should see:
/// the registry turns it into a <see cref="ToolError"/> result. Anything else a handler throws is an
/// internal error and its message does not leave the node.
/// </summary>
public sealed class ToolFailureException : Exception
{
    public ToolFailureException(string code, string message, bool retryable = false, IReadOnlyList<string>? details = null)
        : base(message)
    {
        Error = new ToolError(code, message, retryable, null, details);
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
}
