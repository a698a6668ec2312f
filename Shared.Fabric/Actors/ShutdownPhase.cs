namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>One step of coordinated shutdown. Its tasks run concurrently; the next phase starts when all finish or <see cref="Timeout"/> passes.</summary>
public sealed record ShutdownPhase
{
    /// <summary>Creates a phase.</summary>
    public ShutdownPhase(string name, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        Name = name;
        Timeout = timeout;
    }

    /// <summary>The phase name, e.g. <c>service-stop</c>.</summary>
    public string Name { get; }

    /// <summary>How long the phase may take before shutdown moves on (its tasks' token is then cancelled).</summary>
    public TimeSpan Timeout { get; }
}
