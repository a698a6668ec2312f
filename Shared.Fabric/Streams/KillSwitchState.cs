namespace NerfEngine.Shared.Fabric.Streams;

/// <summary>Where a <see cref="KillSwitch"/> is in its one-way life: Running, then Shutdown or Aborted.</summary>
public enum KillSwitchState
{
    /// <summary>Not triggered; streams flow.</summary>
    Running,

    /// <summary>Triggered by <see cref="KillSwitch.Shutdown"/>: streams complete gracefully.</summary>
    Shutdown,

    /// <summary>Triggered by <see cref="KillSwitch.Abort"/>: streams fail with the reason.</summary>
    Aborted,
}
