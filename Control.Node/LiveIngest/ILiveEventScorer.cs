namespace NerfEngine.Control.LiveIngest;

/// <summary>
/// The optional model-score gate of SPEC §8 (score ≥ <see cref="LiveIngestOptions.MinScore"/>, 0.65 by default). Register
/// one implementation in DI (<c>services.AddSingleton&lt;ILiveEventScorer, …&gt;()</c>, e.g. an adapter over the
/// run_tak_ml flow model); without one the gate is off and the stats say so. ingest_live_event calls it once per
/// dequeued event, one call at a time, before anything is committed.
/// </summary>
public interface ILiveEventScorer
{
    /// <summary>What scores, for stats and tool output (e.g. <c>ollama:llama3.2:3b</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Scores one event: how much it is worth committing, in [0, 1]. Throw (any exception) when no score can be given —
    /// model unreachable, unusable answer; the event is then committed unscored or dropped per
    /// <see cref="LiveIngestOptions.CommitWhenScorerFails"/>, and counted either way. A score outside [0, 1] or NaN counts
    /// as such a failure. Honour <paramref name="cancellationToken"/> (the caller's deadline).
    /// </summary>
    ValueTask<double> ScoreAsync(LiveEvent liveEvent, CancellationToken cancellationToken);
}
