using System.Text.Json.Nodes;

namespace NerfEngine.Control.Copilot.Dsl;

/// <summary>An edge filter of a session: <c>field op value</c> (FILTER).</summary>
public sealed record DslFilter(string Field, string Operator, double Value)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field} {Operator} {Value}";
}

/// <summary>
/// The state an investigation carries from step to step: focus, window, filters, the evidence
/// gathered (named signals ASSESS reads) and the last results. One caller at a time: the agent
/// loop or a tool call runs a session's steps in order.
/// </summary>
public sealed class InvestigationSession
{
    /// <summary>Focused node id, or null before FOCUS.</summary>
    public ulong? FocusNode { get; internal set; }

    /// <summary>The focus as the plan named it ("10.10.0.80", "node:0x…").</summary>
    public string? FocusLabel { get; internal set; }

    /// <summary>Window length back from the graph's newest event time, or null.</summary>
    public TimeSpan? WindowDuration { get; internal set; }

    /// <summary>Window start as an instant (WINDOW since …), Unix ns, or null.</summary>
    public long? WindowSinceNs { get; internal set; }

    /// <summary>Edge filters, all of which must pass.</summary>
    public List<DslFilter> Filters { get; } = [];

    /// <summary>Signals measured so far (fanin, temporal_sync, degree_delta, timing_cluster_share, …), newest wins.</summary>
    public Dictionary<string, double> Evidence { get; } = new(StringComparer.Ordinal);

    /// <summary>Results of the most recent execution.</summary>
    public IReadOnlyList<DslStepResult> LastResults { get; internal set; } = [];

    /// <summary>The latest ASSESS confidence, or null.</summary>
    public double? LastAssessment { get; internal set; }

    /// <summary>Window start in Unix ns given the graph's newest event time; <see cref="long.MinValue"/> when unbounded.</summary>
    public long WindowStartNs(long nowNs) =>
        WindowSinceNs ?? (WindowDuration is { } d ? nowNs - (long)(d.TotalMilliseconds * 1_000_000) : long.MinValue);

    /// <summary>Focus, window and filters as JSON (SUMMARIZE and the prompts).</summary>
    public JsonObject Describe() => new()
    {
        ["focus"] = FocusLabel,
        ["window"] = WindowSinceNs is { } since ? $"since {since}" : WindowDuration is { } d ? d.ToString() : "all",
        ["filters"] = new JsonArray(Filters.Select(f => (JsonNode?)JsonValue.Create(f.ToString())).ToArray()),
    };
}

/// <summary>
/// What one DSL step produced: <see cref="Summary"/> is one line for people and models;
/// <see cref="Data"/> holds the structured rows; a failed step has <see cref="Ok"/> false and the
/// reason in <see cref="Summary"/>.
/// </summary>
public sealed record DslStepResult(string Step, bool Ok, string Summary, JsonObject Data)
{
    /// <summary>As JSON: {"step", "ok", "summary", "data"}.</summary>
    public JsonObject ToJson() => new()
    {
        ["step"] = Step,
        ["ok"] = Ok,
        ["summary"] = Summary,
        ["data"] = Data.DeepClone(),
    };
}
