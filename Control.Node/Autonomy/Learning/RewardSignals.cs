namespace NerfEngine.Control.Autonomy.Learning;

/// <summary>
/// The terms of one mutation's reward, each measured by the caller after the mutation (registry metrics and the
/// hypergraph metrics): the learner only weighs them, so the meaning of each term stays with who can measure it.
/// </summary>
/// <param name="SignalGain">How much clearer the detections became (e.g. change of top alert confidence), ≥ 0 good.</param>
/// <param name="MutationCost">Cost of the mutation (e.g. edges touched / 1000, or 1 per call).</param>
/// <param name="RateLimitHits">Rate-limit hits the call caused.</param>
/// <param name="Oscillation">How much the graph oscillated afterwards (0 none … 1 clearly oscillating).</param>
/// <param name="Errors">Errors the call caused.</param>
/// <param name="GiniPenalty">Increase of reinforcement Gini caused (0 when it fell).</param>
/// <param name="DecayLambdaVolatility">|Δλ| / λ caused by the sequence (0 for tools that leave λ alone).</param>
/// <param name="SequenceRedundancy">How much the call repeated the last ones (0 new … 1 identical repeat).</param>
public sealed record RewardSignals(
    double SignalGain,
    double MutationCost = 0,
    double RateLimitHits = 0,
    double Oscillation = 0,
    double Errors = 0,
    double GiniPenalty = 0,
    double DecayLambdaVolatility = 0,
    double SequenceRedundancy = 0);
