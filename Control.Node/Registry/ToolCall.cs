namespace NerfEngine.Control.Registry;

/// <summary>The context of one admitted call, handed to the tool's handler.</summary>
/// <param name="CallId">Audit record id of this call (a UUID), so handlers can reference it (job ids, logs).</param>
/// <param name="Agent">Who called.</param>
/// <param name="ReceivedAt">When the registry received the call (registry clock).</param>
/// <param name="DryRun">Shadow execution: validated, budgeted and audited, never executed (SPEC §7 phase 1).</param>
public sealed record ToolCall(Guid CallId, AgentIdentity Agent, DateTimeOffset ReceivedAt, bool DryRun);

/// <summary>Per-call options for <see cref="ToolRegistry.CallAsync"/>.</summary>
/// <param name="DryRun">Validate, admit, budget and audit, but do not execute; the result carries the estimated effect.</param>
/// <param name="Transport">How the call arrived, for the audit record: http, stdio, in-process.</param>
public sealed record ToolCallOptions(bool DryRun = false, string Transport = ToolTransports.InProcess)
{
    /// <summary>Normal in-process execution (the Executor's path).</summary>
    public static ToolCallOptions Execute { get; } = new();
}

/// <summary>Transport names used in audit records.</summary>
public static class ToolTransports
{
    public const string Http = "http";
    public const string Stdio = "stdio";
    public const string InProcess = "in-process";
}
