using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Control.Detection.Detectors;

/// <summary>Which node of an edge a detector's state is keyed by; the transport shards batches by it.</summary>
public enum DetectorPartition
{
    /// <summary>GraphEdge.SrcNode (drift: scanners and lateral movement are about a source).</summary>
    SourceNode = 0,

    /// <summary>GraphEdge.DstNode (fan-in and attractor: many sources converge on a destination).</summary>
    DestinationNode = 1,
}

/// <summary>Partition key helpers.</summary>
public static class DetectorPartitions
{
    /// <summary>The node id an edge is routed by for a detector with this partition.</summary>
    public static ulong KeyOf(this DetectorPartition partition, in GraphEdge edge) =>
        partition == DetectorPartition.SourceNode ? edge.SrcNode : edge.DstNode;
}

/// <summary>Receives what detectors publish, synchronously, on the detector's thread (push, no polling).</summary>
public interface IDetectionSink
{
    /// <summary>A detection passed the detector's cooldown.</summary>
    void OnDetection(Detection detection);

    /// <summary>A detection was suppressed by the detector's cooldown (counted, not published).</summary>
    void OnCooledDown(string detector, DetectionVerdict verdict, long atNs)
    {
    }
}

/// <summary>
/// A detector: plain, single-threaded decision logic fed edges in (roughly) event-time order.
/// <see cref="Observe"/> may publish detections when an edge moves event time past a window
/// boundary; <see cref="Advance"/> moves event time without an edge (end of a replay, idle link).
/// </summary>
public interface IEdgeDetector
{
    /// <summary>Detector name (<see cref="DetectorNames"/>).</summary>
    string Name { get; }

    /// <summary>Which node of an edge this detector is sharded by.</summary>
    DetectorPartition PartitionKey { get; }

    /// <summary>Folds one edge record in.</summary>
    void Observe(in GraphEdge edge);

    /// <summary>Declares that every record with a timestamp ≤ <paramref name="nowNs"/> has been observed.</summary>
    void Advance(long nowNs);

    /// <summary>Counters for metrics.</summary>
    DetectorCounters Counters { get; }
}

/// <summary>Per-detector counters.</summary>
/// <param name="Edges">Records observed (all kinds).</param>
/// <param name="Contacts">OPEN records (new flows) counted.</param>
/// <param name="Detections">Detections published.</param>
/// <param name="CooledDown">Detections suppressed by the cooldown.</param>
/// <param name="Refused">Contacts not tracked because a table was at its bound.</param>
public readonly record struct DetectorCounters(long Edges, long Contacts, long Detections, long CooledDown, long Refused);

/// <summary>
/// Per-verdict cooldown in event time: after a detection of a verdict, further ones within the
/// cooldown are suppressed, so a noisy detector cannot burst (SPEC: 1.0 s per source type and pattern;
/// one instance lives inside each detector, so the source type is implicit).
/// </summary>
internal sealed class DetectionCooldown
{
    private readonly long[] _lastNs = Enumerable.Repeat(long.MinValue, DetectionVerdictNames.Count).ToArray();

    /// <summary>True (and the cooldown restarts) when the verdict may fire at <paramref name="nowNs"/>.</summary>
    public bool TryPass(DetectionVerdict verdict, long nowNs, long cooldownNs)
    {
        ref long last = ref _lastNs[(int)verdict];
        if (last != long.MinValue && nowNs - last < cooldownNs)
        {
            return false;
        }

        last = nowNs;
        return true;
    }
}
