using System.Text.Json;

namespace NerfEngine.Control.Autonomy;

/// <summary>
/// What a proposer (the analyst, or an agent through the registry) asks the executor to do. Proposing never
/// executes anything: only the executor decides, after its gates.
/// </summary>
/// <param name="Id">Unique id; the decision and every journal event about it carry it.</param>
/// <param name="Tool">SPEC §6 tool name, e.g. "reinforce_edge".</param>
/// <param name="Arguments">Tool arguments, a JSON object.</param>
/// <param name="Confidence">Proposer's confidence in [0, 1]; the confidence gate reads it.</param>
/// <param name="Justification">Why, in words an auditor can read.</param>
/// <param name="Proposer">Who proposed: "analyst" or an agent id.</param>
/// <param name="CreatedAt">When it was proposed.</param>
public sealed record Proposal(
    Guid Id, string Tool, JsonElement Arguments, double Confidence, string Justification, string Proposer, DateTimeOffset CreatedAt)
{
    /// <summary>A proposal with a fresh id; <paramref name="arguments"/> null means no arguments (an empty object).</summary>
    public static Proposal Create(
        string tool, JsonElement? arguments, double confidence, string justification, string proposer, DateTimeOffset createdAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tool);
        ArgumentException.ThrowIfNullOrWhiteSpace(proposer);
        return new Proposal(Guid.NewGuid(), tool, Normalise(arguments), confidence, justification ?? string.Empty, proposer, createdAt);
    }

    /// <summary>Parses JSON text as arguments (tests, CLI); throws <see cref="JsonException"/> on bad JSON.</summary>
    public static JsonElement ParseArguments(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>A detached copy (no pooled document behind it); undefined becomes an empty object so it always serialises.</summary>
    public static JsonElement Normalise(JsonElement? arguments) =>
        arguments is { ValueKind: not JsonValueKind.Undefined } value ? value.Clone() : ParseArguments("{}");
}
