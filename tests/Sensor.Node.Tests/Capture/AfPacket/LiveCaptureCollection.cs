namespace NerfEngine.Tests.SensorNode.Capture.AfPacket;

/// <summary>
/// Live capture tests run one at a time and alone: they replay traffic with tcpreplay and compare
/// exact packet counts and process-wide descriptor and mapping counts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveCaptureCollection
{
    public const string Name = "AF_PACKET live capture (root, network namespaces)";
}
