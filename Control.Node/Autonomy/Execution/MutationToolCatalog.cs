using System.Globalization;
using System.Text.Json;
using NerfEngine.Control.Autonomy.Gates;

namespace NerfEngine.Control.Autonomy.Execution;

/// <summary>
/// The executor's view of the graph-mutation tools: which it may run, whether arguments make sense, and what a call
/// would do (the shadow phase's estimated effect, from arguments alone). The registry's JSON schemas validate again
/// at the call; this check lets phase 1 reject what phase 2 could not execute.
/// </summary>
public sealed class MutationToolCatalog(AutonomyOptions options)
{
    private readonly HashSet<string> _allowed = new(options.MutationTools, StringComparer.Ordinal);

    /// <summary>True when the executor may run <paramref name="tool"/>.</summary>
    public bool IsAllowed(string tool) => _allowed.Contains(tool);

    /// <summary>The tool gate: an allowed tool.</summary>
    public GateResult CheckTool(string tool) =>
        IsAllowed(tool)
            ? GateResult.Pass(GateNames.Tool)
            : GateResult.Fail(GateNames.Tool, $"'{tool}' is not a graph-mutation tool the executor may run ({string.Join(", ", options.MutationTools)})");

    /// <summary>The validation gate: the arguments of an allowed tool.</summary>
    public GateResult Validate(string tool, JsonElement args)
    {
        if (args.ValueKind != JsonValueKind.Object)
        {
            return Invalid($"arguments must be a JSON object, not {args.ValueKind}");
        }

        var problem = tool switch
        {
            MutationToolNames.ReinforceEdge => RequireString(args, MutationToolNames.EdgeIdArgument)
                ?? OptionalNumber(args, MutationToolNames.WeightArgument, min: 0, exclusiveMin: true),
            MutationToolNames.PruneBelowWeight => RequireNumber(args, MutationToolNames.MinWeightArgument, min: 0),
            MutationToolNames.SetDecayLambda => RequireNumber(args, MutationToolNames.LambdaArgument, min: 0),
            MutationToolNames.ClearScopeCache => OptionalString(args, MutationToolNames.ScopeArgument),
            MutationToolNames.IngestLiveEvent => OptionalCount(args, MutationToolNames.MaxEventsArgument),
            MutationToolNames.RunTakMl => RequireString(args, MutationToolNames.EdgeIdArgument),
            _ => null,
        };
        return problem is null ? GateResult.Pass(GateNames.Validation) : Invalid(problem);
    }

    /// <summary>What the call would do; unknown (configured extra) tools are assumed irreversible.</summary>
    public static EstimatedEffect Estimate(string tool, JsonElement args) => tool switch
    {
        MutationToolNames.ReinforceEdge => new(
            Format($"adds weight {Number(args, MutationToolNames.WeightArgument) ?? 1:0.###} to edge {Text(args, MutationToolNames.EdgeIdArgument)}; it fades again with decay"),
            EffectReversibility.Decays),
        MutationToolNames.PruneBelowWeight => new(
            Format($"removes every edge with weight below {Number(args, MutationToolNames.MinWeightArgument):0.####}"),
            EffectReversibility.Irreversible),
        MutationToolNames.SetDecayLambda => new(
            Format($"sets the decay rate to {Number(args, MutationToolNames.LambdaArgument):0.#####} per second"),
            EffectReversibility.Reversible),
        MutationToolNames.DecayNow => new("applies one decay pass to every edge now", EffectReversibility.Irreversible),
        MutationToolNames.ClearScopeCache => new(
            Text(args, MutationToolNames.ScopeArgument) is { } scope
                ? $"drops the cached view of scope '{scope}'; it is rebuilt on the next query"
                : "drops the cached views of all scopes; they are rebuilt on the next query",
            EffectReversibility.Reversible),
        MutationToolNames.IngestLiveEvent => new(
            Number(args, MutationToolNames.MaxEventsArgument) is { } max
                ? Format($"commits up to {max:0} queued live events into the graph")
                : "commits the queued live events into the graph",
            EffectReversibility.Decays),
        MutationToolNames.RunTakMl => new(
            $"asks the flow model to score edge {Text(args, MutationToolNames.EdgeIdArgument)} and records the score on it; a later score replaces it",
            EffectReversibility.Reversible),
        _ => new($"runs {tool} with the given arguments (no estimate for this tool)", EffectReversibility.Irreversible),
    };

    private static GateResult Invalid(string problem) => GateResult.Fail(GateNames.Validation, problem);

    private static string? RequireString(JsonElement args, string name) =>
        args.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0
            ? null
            : $"'{name}' is required and must be a non-empty string";

    private static string? OptionalString(JsonElement args, string name) =>
        !args.TryGetProperty(name, out var value) || value.ValueKind is JsonValueKind.String or JsonValueKind.Null
            ? null
            : $"'{name}' must be a string";

    private static string? RequireNumber(JsonElement args, string name, double min) =>
        args.TryGetProperty(name, out _) ? OptionalNumber(args, name, min, exclusiveMin: false) : $"'{name}' is required";

    private static string? OptionalNumber(JsonElement args, string name, double min, bool exclusiveMin)
    {
        if (!args.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            return $"'{name}' must be a number";
        }

        var ok = exclusiveMin ? number > min : number >= min;
        return ok ? null : Format($"'{name}' must be {(exclusiveMin ? ">" : "≥")} {min}, got {number}");
    }

    private static string? OptionalCount(JsonElement args, string name) =>
        !args.TryGetProperty(name, out var value) || (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= 1)
            ? null
            : $"'{name}' must be an integer ≥ 1";

    private static double? Number(JsonElement args, string name) =>
        args.ValueKind == JsonValueKind.Object && args.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : null;

    private static string? Text(JsonElement args, string name) =>
        args.ValueKind == JsonValueKind.Object && args.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
