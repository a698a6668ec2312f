using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Detection.Detectors;
using NerfEngine.Control.Detection.Graph;

namespace NerfEngine.Control.Engine;

/// <summary>Everything the graph engine is built from (configuration sections Graph, Detection, Autopilot, NodeDirectory).</summary>
public sealed record EngineOptions
{
    public HypergraphOptions Graph { get; init; } = new();
    public DetectionThresholds Detection { get; init; } = new();
    public AutopilotOptions Autopilot { get; init; } = new();
    public NodeDirectoryOptions NodeDirectory { get; init; } = new();

    /// <summary>Sensor batch sequences remembered per sensor to drop redelivered duplicates.</summary>
    public int DuplicateWindow { get; init; } = 4096;
}
