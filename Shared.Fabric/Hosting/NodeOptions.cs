namespace NerfEngine.Shared.Fabric.Hosting;

/// <summary>Identity and placement of one NerfEngine node (configuration section <c>Node</c>).</summary>
public sealed class NodeOptions
{
    public const string Section = "Node";

    /// <summary>Actor-system name; nodes with the same name form one cluster.</summary>
    public string SystemName { get; set; } = "nerf";

    /// <summary>Host name other nodes and operators use to reach this node.</summary>
    public string Hostname { get; set; } = Environment.MachineName;

    /// <summary>Roles this node plays: sensor, detector, control.</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>Where embedded state (SQLite journal, demo captures) lives; relative to the working directory.</summary>
    public string DataDirectory { get; set; } = ".nerf";

    /// <summary>Stable per-process id, so a restarted node on the same address is a new incarnation.</summary>
    public string Uid { get; } = Random.Shared.NextInt64(1, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
