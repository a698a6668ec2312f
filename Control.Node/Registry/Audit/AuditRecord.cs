using System.Text.Json;
using NerfEngine.Control.Registry.Schemas;
using NerfEngine.Shared.Fabric.Persistence.Serialization;

namespace NerfEngine.Control.Registry.Audit;

/// <summary>
/// One audit record (SPEC §6): written for every call that reaches the MCP endpoint or the registry,
/// admitted or not. Parameters are bounded and the result is a summary, never a snapshot.
/// </summary>
/// <param name="Id">UUID of the call (also the id tools see as <see cref="ToolCall.CallId"/>).</param>
/// <param name="Timestamp">
/// When the call was received (registry clock, UTC); for an admitted mutation, when admission took its budget unit
/// (after binding and validation), which is what a restart re-seeds the budget window from.
/// </param>
/// <param name="Agent">Agent name, or <see cref="AgentIdentity.AnonymousName"/> before authentication.</param>
/// <param name="Transport">http, stdio or in-process (the Executor).</param>
/// <param name="Method">JSON-RPC method (tools/call, tools/list, …), or the HTTP verb for requests refused before parsing.</param>
/// <param name="Tool">Tool name for tools/call (as requested, even if unknown).</param>
/// <param name="Mutates">The tool mutates state (false when unknown).</param>
/// <param name="Params">Arguments as received, truncated to <see cref="RegistryOptions.AuditMaxParamsChars"/>.</param>
/// <param name="Outcome">One of <see cref="AuditOutcomes"/>.</param>
/// <param name="ErrorCode">Tool error code, JSON-RPC code or HTTP status, when not ok.</param>
/// <param name="Message">Error message, when not ok.</param>
/// <param name="ResultSummary">Bounded summary of the result, when ok.</param>
/// <param name="Admitted">The call passed admission (consumed its rate-limit slot and, if mutating, a budget unit).</param>
/// <param name="Committed">The call executed (false on refusals and dry runs).</param>
/// <param name="DurationMs">Time from receipt to decision or result.</param>
public sealed record AuditRecord(
    Guid Id,
    DateTimeOffset Timestamp,
    string Agent,
    string Transport,
    string? Method,
    string? Tool,
    bool Mutates,
    string? Params,
    string Outcome,
    string? ErrorCode,
    string? Message,
    string? ResultSummary,
    bool Admitted,
    bool Committed,
    double DurationMs)
{
    /// <summary>Journal manifest of audit records (stable on-disk name).</summary>
    public const string Manifest = "registry-audit-record.v1";

    /// <summary>Tag on every audit record.</summary>
    public const string Tag = "registry-audit";

    /// <summary>Tag on audit records of admitted mutating calls (how budgets are restored after a restart).</summary>
    public const string MutationTag = "registry-audit-mutation";

    /// <summary>Registers the record type with a journal serializer, so replay tools can decode audit events.</summary>
    public static EventSerializer Register(EventSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        return serializer.IsRegistered(typeof(AuditRecord)) ? serializer : serializer.Register<AuditRecord>(Manifest);
    }

    /// <summary>Serialized payload (snake_case JSON, same shape tools and replay show).</summary>
    public byte[] ToPayload() => JsonSerializer.SerializeToUtf8Bytes(this, ToolJson.Options);

    /// <summary>Decodes a payload written by <see cref="ToPayload"/>.</summary>
    public static AuditRecord FromPayload(ReadOnlySpan<byte> payload) =>
        JsonSerializer.Deserialize<AuditRecord>(payload, ToolJson.Options) ?? throw new JsonException("Audit payload is JSON null.");
}
