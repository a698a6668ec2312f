namespace NerfEngine.Control.Copilot.FlowScoring;

/// <summary>A consistent copy of <see cref="FlowScorerStatistics"/>.</summary>
/// <param name="Inferences">Model calls made (answered or not).</param>
/// <param name="Succeeded">Calls that produced a valid score.</param>
/// <param name="InvalidOutputs">Calls answered with something that is not a valid score.</param>
/// <param name="Unavailable">Calls that got no answer (unreachable, not pulled, timeout).</param>
/// <param name="LastInferenceAt">When the last call ended, answered or not.</param>
/// <param name="LastLatency">How long the last call took.</param>
/// <param name="LastError">Message of the last failed call.</param>
/// <param name="LastErrorAt">When it failed.</param>
public sealed record FlowScorerSnapshot(
    long Inferences,
    long Succeeded,
    long InvalidOutputs,
    long Unavailable,
    DateTimeOffset? LastInferenceAt,
    TimeSpan? LastLatency,
    string? LastError,
    DateTimeOffset? LastErrorAt)
{
    /// <summary>Failed calls: invalid output plus no answer.</summary>
    public long Errors => InvalidOutputs + Unavailable;
}

/// <summary>
/// Counters of the flow scorer (get_tak_ml_status and the <c>nerf_flow_scoring_*</c> metrics). Thread-safe: every
/// update takes one short lock so a snapshot never mixes two calls.
/// </summary>
public sealed class FlowScorerStatistics
{
    private readonly Lock _lock = new();
    private long _inferences, _succeeded, _invalid, _unavailable;
    private DateTimeOffset? _lastAt, _lastErrorAt;
    private TimeSpan? _lastLatency;
    private string? _lastError;

    /// <summary>A call produced a valid score.</summary>
    public void Succeeded(DateTimeOffset at, TimeSpan latency)
    {
        lock (_lock)
        {
            _inferences++;
            _succeeded++;
            _lastAt = at;
            _lastLatency = latency;
        }
    }

    /// <summary>A call was answered with invalid output.</summary>
    public void InvalidOutput(DateTimeOffset at, TimeSpan latency, string message) => Failed(at, latency, message, ref _invalid);

    /// <summary>A call got no answer.</summary>
    public void NoAnswer(DateTimeOffset at, TimeSpan latency, string message) => Failed(at, latency, message, ref _unavailable);

    /// <summary>The counters as one consistent copy.</summary>
    public FlowScorerSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new FlowScorerSnapshot(_inferences, _succeeded, _invalid, _unavailable, _lastAt, _lastLatency, _lastError, _lastErrorAt);
        }
    }

    private void Failed(DateTimeOffset at, TimeSpan latency, string message, ref long counter)
    {
        lock (_lock)
        {
            _inferences++;
            counter++;
            _lastAt = at;
            _lastLatency = latency;
            _lastError = message;
            _lastErrorAt = at;
        }
    }
}
