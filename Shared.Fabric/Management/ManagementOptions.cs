namespace NerfEngine.Shared.Fabric.Management;

/// <summary>Management HTTP endpoint settings (configuration section <c>Management</c>).</summary>
public sealed class ManagementOptions
{
    public const string Section = "Management";

    /// <summary>Akka.Management's conventional port; 0 picks a free port (tests).</summary>
    public const int DefaultPort = 8558;

    /// <summary>Interface to bind. Loopback by default; multi-VM deployments set 0.0.0.0.</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    public int Port { get; set; } = DefaultPort;

    /// <summary>Set false to run a node without any HTTP listener (e.g. one-shot CLI verbs).</summary>
    public bool Enabled { get; set; } = true;
}
