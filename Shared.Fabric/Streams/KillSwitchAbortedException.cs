namespace NerfEngine.Shared.Fabric.Streams;

/// <summary>A stream failed because its <see cref="KillSwitch"/> was aborted; the reason is the inner exception.</summary>
public sealed class KillSwitchAbortedException(string killSwitchName, Exception reason)
    : Exception($"Kill switch '{killSwitchName}' aborted the stream: {reason.Message}", reason)
{
    /// <summary>The name of the kill switch that was aborted.</summary>
    public string KillSwitchName { get; } = killSwitchName;
}
