namespace NerfEngine.Shared.Fabric.Streams;

/// <summary>A <see cref="RestartSource{T}"/> gave up: its source failed again after the allowed restarts. The last failure is the inner exception.</summary>
public sealed class RestartLimitExceededException(string sourceName, int restarts, int maxRestarts, Exception lastFailure)
    : Exception(
        $"Source '{sourceName}' failed again after {restarts} consecutive restart(s) (MaxRestarts = {maxRestarts}); giving up. " +
        $"Last failure: {lastFailure.GetType().Name}: {lastFailure.Message}",
        lastFailure)
{
    /// <summary>The name of the source that gave up.</summary>
    public string SourceName { get; } = sourceName;

    /// <summary>Consecutive restarts made before giving up.</summary>
    public int Restarts { get; } = restarts;
}
