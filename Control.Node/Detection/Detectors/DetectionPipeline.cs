using NerfEngine.Control.Detection.Graph;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Control.Detection.Detectors;

/// <summary>
/// Everything one detector shard runs over its edge batches, in a fixed order: the metrics collector
/// first (so a window's snapshot exists before detectors closing the same window read it), then
/// drift, fan-in and attractor, and optionally the hypergraph. The actor wrapper feeds batches here;
/// tests and the benchmark use it directly.
/// </summary>
/// <remarks>
/// Single-threaded. In a sharded cluster a shard may host only the detectors of its partition kind;
/// the embedded node runs all of them on one stream.
/// </remarks>
public sealed class DetectionPipeline
{
    /// <summary>Builds the collector, the three detectors and (optionally) the hypergraph over one sink.</summary>
    public DetectionPipeline(ThresholdSet thresholds, IDetectionSink sink, NodeDirectory? directory = null, Hypergraph? graph = null)
    {
        Directory = directory;
        Graph = graph;
        Metrics = new HypergraphMetricsCollector(thresholds);
        Attractor = new GraphAttractorDetector(thresholds, sink, directory, Metrics);
        Metrics.Attractors = Attractor;
        Drift = new TopologyDriftDetector(thresholds, sink, directory, Metrics);
        FanIn = new TemporalFanInDetector(thresholds, sink, Metrics);
    }

    /// <summary>Node addresses and classification shared by the detectors.</summary>
    public NodeDirectory? Directory { get; }

    /// <summary>The decaying graph, when this shard keeps one.</summary>
    public Hypergraph? Graph { get; }

    /// <summary>Shared per-window snapshot.</summary>
    public HypergraphMetricsCollector Metrics { get; }

    /// <summary>Scanners, aggregators, lateral movement.</summary>
    public TopologyDriftDetector Drift { get; }

    /// <summary>Synchronised and unsynchronised fan-in.</summary>
    public TemporalFanInDetector FanIn { get; }

    /// <summary>Rotating botnets.</summary>
    public GraphAttractorDetector Attractor { get; }

    /// <summary>
    /// Feeds one batch (EdgeBatch payload) through every stage, stage by stage so each can prefetch
    /// its tables ahead. The metrics collector runs first, so it has closed every window a detector
    /// can close within the batch; detections pick their context by event time
    /// (<see cref="IMetricsSnapshotSource.At"/>), so results do not depend on batch boundaries.
    /// </summary>
    public void Observe(ReadOnlySpan<GraphEdge> batch)
    {
        Metrics.Observe(batch);
        Drift.Observe(batch);
        FanIn.Observe(batch);
        Attractor.Observe(batch);
        Graph?.Observe(batch);
    }

    /// <summary>Feeds one record through every stage.</summary>
    public void Observe(in GraphEdge edge)
    {
        Metrics.Observe(edge);
        Drift.Observe(edge);
        FanIn.Observe(edge);
        Attractor.Observe(edge);
        Graph?.Observe(edge);
    }

    /// <summary>Moves event time to <paramref name="nowNs"/> everywhere (end of replay, idle input).</summary>
    public void Advance(long nowNs)
    {
        Metrics.Advance(nowNs);
        Drift.Advance(nowNs);
        FanIn.Advance(nowNs);
        Attractor.Advance(nowNs);
    }
}
