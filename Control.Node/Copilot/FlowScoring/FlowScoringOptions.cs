using Microsoft.Extensions.Configuration;

namespace NerfEngine.Control.Copilot.FlowScoring;

/// <summary>
/// Configuration of flow scoring (section <c>FlowScoring</c>): the model run_tak_ml asks, what counts as a valid
/// answer, and the bounded table that records scores on edges. The daemon's address and the per-call timeout are
/// the copilot's (<see cref="CopilotOptions.OllamaBaseUrl"/>, <see cref="CopilotOptions.ModelTimeout"/>).
/// </summary>
public sealed record FlowScoringOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "FlowScoring";

    /// <summary>Ollama model that scores flows; null uses the copilot's <see cref="CopilotOptions.Model"/>.</summary>
    public string? Model { get; init; }

    /// <summary>Labels the model may answer with (compared case-insensitively); any other label is invalid output.</summary>
    public IReadOnlyList<string> Labels { get; init; } = ["benign", "suspicious", "malicious"];

    /// <summary>Longest rationale kept; a longer one is cut and marked with "…".</summary>
    public int MaxRationaleChars { get; init; } = 1_000;

    /// <summary>Edges whose latest score is kept; past this the oldest score is evicted (counted).</summary>
    public int ScoreTableCapacity { get; init; } = 65_536;

    /// <summary>Detector flags (cards, suggestions, observations naming an endpoint) included in a flow's features at most.</summary>
    public int MaxDetectorFlags { get; init; } = 8;

    /// <summary>Newest cards, suggestions and observations each searched for detector flags.</summary>
    public int DetectionsSearched { get; init; } = 256;

    /// <summary>Timeout of one status probe (/api/tags, /api/ps) of get_tak_ml_status.</summary>
    public TimeSpan StatusTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Binds <see cref="Section"/>; a configured label list replaces the default one instead of extending it.</summary>
    /// <exception cref="ArgumentException">A value is out of range (names the setting).</exception>
    public static FlowScoringOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var options = section.Get<FlowScoringOptions>() ?? new FlowScoringOptions();
        var labels = section.GetSection(nameof(Labels));
        if (labels.Exists())
        {
            options = options with { Labels = labels.Get<string[]>() ?? [] };
        }

        options.Validate();
        return options;
    }

    /// <summary>The model name in use given the copilot's.</summary>
    public string ModelOr(CopilotOptions copilot) => string.IsNullOrWhiteSpace(Model) ? copilot.Model : Model;

    /// <summary>Throws naming the first setting that makes no sense, so a bad configuration fails at start-up.</summary>
    public void Validate()
    {
        if (Labels.Count == 0 || Labels.Any(string.IsNullOrWhiteSpace)) throw new ArgumentException("FlowScoring:Labels must name at least one non-empty label.");
        if (MaxRationaleChars < 1) throw new ArgumentOutOfRangeException(nameof(MaxRationaleChars), "FlowScoring:MaxRationaleChars must be ≥ 1.");
        if (ScoreTableCapacity < 1) throw new ArgumentOutOfRangeException(nameof(ScoreTableCapacity), "FlowScoring:ScoreTableCapacity must be ≥ 1.");
        if (MaxDetectorFlags < 0) throw new ArgumentOutOfRangeException(nameof(MaxDetectorFlags), "FlowScoring:MaxDetectorFlags must be ≥ 0.");
        if (DetectionsSearched < 0) throw new ArgumentOutOfRangeException(nameof(DetectionsSearched), "FlowScoring:DetectionsSearched must be ≥ 0.");
        if (StatusTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(StatusTimeout), "FlowScoring:StatusTimeout must be positive.");
    }
}
