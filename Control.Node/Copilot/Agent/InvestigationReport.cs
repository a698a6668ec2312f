using System.Text.Json.Nodes;
using NerfEngine.Control.Copilot.Dsl;
using NerfEngine.Control.Copilot.Entities;

namespace NerfEngine.Control.Copilot.Agent;

/// <summary>Why the agent loop ended.</summary>
public enum StopReason
{
    /// <summary>A step reached <see cref="CopilotOptions.StopConfidence"/>.</summary>
    ConfidenceReached,

    /// <summary>The model proposed a plan it had already run, with the best confidence ≥ <see cref="CopilotOptions.EarlyExitFloor"/>.</summary>
    AttractorBreak,

    /// <summary><see cref="CopilotOptions.PlateauSteps"/> equal, non-improving steps with the best ≥ the floor.</summary>
    Plateau,

    /// <summary><see cref="CopilotOptions.MaxSteps"/> steps ran.</summary>
    StepLimit,

    /// <summary>The model could not answer; only the deterministic findings are available.</summary>
    ModelUnavailable,

    /// <summary><see cref="CopilotOptions.InvestigationTimeout"/> passed; the best confidence so far is reported.</summary>
    TimeLimit,
}

/// <summary>One plan → execute → interpret step.</summary>
/// <param name="Number">1-based.</param>
/// <param name="Plan">Canonical plan text ("FOCUS 10.10.0.80; ANALYZE fanin").</param>
/// <param name="Results">What each DSL step produced.</param>
/// <param name="Confidence">The model's confidence after reading the results, in [0, 1].</param>
/// <param name="Assessment">The model's interpretation.</param>
/// <param name="PlanError">Why (part of) the proposed plan was rejected, or null.</param>
public sealed record AgentStep(int Number, string Plan, IReadOnlyList<DslStepResult> Results, double Confidence, string Assessment, string? PlanError);

/// <summary>The outcome of one investigation. <see cref="BestConfidence"/> is the best seen over all steps, not the last.</summary>
public sealed record InvestigationReport
{
    /// <summary>The question asked.</summary>
    public required string Question { get; init; }

    /// <summary>Entities extracted from the question before any model call (example values excluded).</summary>
    public required IReadOnlyList<ExtractedEntity> Entities { get; init; }

    /// <summary>Focus entities the caller gave (each extracted from its own value; positions are within that value).</summary>
    public IReadOnlyList<ExtractedEntity> Focus { get; init; } = [];

    /// <summary>Model name.</summary>
    public required string Model { get; init; }

    /// <summary>Why the loop ended.</summary>
    public required StopReason StopReason { get; init; }

    /// <summary>Steps that ran, in order.</summary>
    public required IReadOnlyList<AgentStep> Steps { get; init; }

    /// <summary>Best confidence over the steps; null when no step completed.</summary>
    public double? BestConfidence { get; init; }

    /// <summary>1-based step the best confidence came from (0 when none).</summary>
    public int BestStep { get; init; }

    /// <summary>The interpretation that went with the best confidence.</summary>
    public string? BestAssessment { get; init; }

    /// <summary>"model unavailable: …" when the model could not answer; null otherwise.</summary>
    public string? Error { get; init; }

    /// <summary>Deterministic findings (fallback plan) when the model was unavailable.</summary>
    public IReadOnlyList<DslStepResult> DeterministicFindings { get; init; } = [];

    /// <summary>ASSESS confidence of the deterministic findings, when they ran.</summary>
    public double? DeterministicConfidence { get; init; }

    /// <summary>Whether the model answered.</summary>
    public bool ModelAvailable => StopReason != StopReason.ModelUnavailable;

    /// <summary>As JSON for tools.</summary>
    public JsonObject ToJson() => new()
    {
        ["question"] = Question,
        ["model"] = Model,
        ["model_available"] = ModelAvailable,
        ["error"] = Error,
        ["stop_reason"] = StopReason.ToString(),
        ["best_confidence"] = BestConfidence,
        ["best_step"] = BestStep,
        ["best_assessment"] = BestAssessment,
        ["entities"] = Json(Entities),
        ["focus"] = Json(Focus),
        ["steps"] = new JsonArray(Steps.Select(s => (JsonNode?)new JsonObject
        {
            ["number"] = s.Number,
            ["plan"] = s.Plan,
            ["confidence"] = s.Confidence,
            ["assessment"] = s.Assessment,
            ["plan_error"] = s.PlanError,
            ["results"] = new JsonArray(s.Results.Select(r => (JsonNode?)r.ToJson()).ToArray()),
        }).ToArray()),
        ["deterministic_confidence"] = DeterministicConfidence,
        ["deterministic_findings"] = new JsonArray(DeterministicFindings.Select(r => (JsonNode?)r.ToJson()).ToArray()),
    };

    private static JsonArray Json(IReadOnlyList<ExtractedEntity> entities) =>
        new(entities.Select(e => (JsonNode?)new JsonObject { ["kind"] = e.KindName, ["value"] = e.Value, ["start"] = e.Start, ["length"] = e.Length }).ToArray());
}
