namespace NerfEngine.Control.Copilot.FlowScoring;

/// <summary>
/// Scores one flow with a model (run_tak_ml). Small on purpose so other gates can share it: the live-ingest queue's
/// optional model-score gate (SPEC §8, score ≥ 0.65) can adapt its own scorer interface to this one by mapping a
/// live event's entities (src_ip, dest_ip, dest_port, proto, …) to <see cref="FlowFeatures"/> with origin "inline".
/// </summary>
public interface IFlowScorer
{
    /// <summary>Model name, for results and status.</summary>
    string Model { get; }

    /// <summary>The validated score of <paramref name="flow"/>.</summary>
    /// <exception cref="Ollama.ModelUnavailableException">No model could answer (unreachable, not pulled, timeout).</exception>
    /// <exception cref="InvalidModelOutputException">The model answered with something that is not a valid score.</exception>
    Task<FlowScore> ScoreAsync(FlowFeatures flow, CancellationToken cancellationToken = default);
}
