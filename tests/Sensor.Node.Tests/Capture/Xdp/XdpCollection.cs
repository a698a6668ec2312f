namespace NerfEngine.Tests.SensorNode.Capture.Xdp;

/// <summary>
/// XDP tests run one at a time and alone: they load programs with sizeable maps, attach to veths the
/// tests create, and compare exact counts and process-wide descriptor counts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class XdpCollection
{
    public const string Name = "XDP (root, BPF, network namespaces)";
}
