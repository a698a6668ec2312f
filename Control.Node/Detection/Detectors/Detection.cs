using System.Collections.Immutable;
using System.Globalization;

namespace NerfEngine.Control.Detection.Detectors;

/// <summary>
/// What a detector publishes: an immutable record of one finding over one event-time window.
/// <see cref="NodeIds"/> starts with <see cref="SubjectNode"/> (the partition-key node), followed by
/// the other nodes involved in ascending order, capped at <see cref="DetectionThresholds.MaxReportedNodes"/>;
/// <see cref="NodeCount"/> is the uncapped number.
/// </summary>
public sealed record Detection
{
    /// <summary>Detector that produced it (<see cref="DetectorNames"/>).</summary>
    public required string Detector { get; init; }

    /// <summary>The conclusion (the SPEC's pattern).</summary>
    public required DetectionVerdict Verdict { get; init; }

    /// <summary>Shape of the finding within its verdict, e.g. "vertical", "horizontal", "admin_ports", "synchronised".</summary>
    public required string Pattern { get; init; }

    /// <summary>The node the finding is about: the source for drift, the destination for fan-in and attractor.</summary>
    public required ulong SubjectNode { get; init; }

    /// <summary>Subject first, then the other involved nodes sorted, capped.</summary>
    public required ImmutableArray<ulong> NodeIds { get; init; }

    /// <summary>Nodes involved before capping (subject included).</summary>
    public required int NodeCount { get; init; }

    /// <summary>Window start, Unix ns (event time).</summary>
    public required long WindowStartNs { get; init; }

    /// <summary>Window end, Unix ns (event time); the detection's "now".</summary>
    public required long WindowEndNs { get; init; }

    /// <summary>Score the detector assigned itself, when it does (drift); the autopilot scorer decides otherwise.</summary>
    public double? Score { get; init; }

    /// <summary>Measured values behind the verdict.</summary>
    public required DetectionMeasures Measures { get; init; }

    /// <summary>The shared hypergraph snapshot of the window the detector last saw, when a collector is attached.</summary>
    public HypergraphMetricsSnapshot? Context { get; init; }

    /// <summary>Window length in milliseconds.</summary>
    public double WindowMs => (WindowEndNs - WindowStartNs) / 1e6;

    /// <summary>One-line label in the SPEC's style, e.g. "DRIFT[SCANNER] delta=60".</summary>
    public string Label => Detector switch
    {
        DetectorNames.TopologyDrift => Invariant($"DRIFT[{Verdict.ToWireName().ToUpperInvariant()}] delta={Measures.Delta}"),
        DetectorNames.TemporalFanIn => Invariant(
            $"FANIN[{Verdict.ToWireName().ToUpperInvariant()}] sources={Measures.SourceCount} ip_H={Measures.SourceEntropyBits:F2} timing_H={Measures.TimingEntropy:F2}"),
        DetectorNames.GraphAttractor => Invariant(
            $"ATTRACTOR[{Verdict.ToWireName().ToUpperInvariant()}] cluster={Measures.ClusterSize} infra_H={Measures.InfraEntropy:F2} sync={Measures.TemporalSync:F2}"),
        _ => $"{Detector}[{Verdict.ToWireName().ToUpperInvariant()}]",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Values a detector measured; each detector fills the ones it computes and leaves the rest null.
/// Entropies: <see cref="SourceEntropyBits"/> in bits; <see cref="TimingEntropy"/>,
/// <see cref="InfraEntropy"/> and <see cref="TemporalSync"/> normalised to [0, 1].
/// </summary>
public sealed record DetectionMeasures
{
    /// <summary>Drift: degree delta versus the previous window.</summary>
    public int? Delta { get; init; }

    /// <summary>Drift: distinct destinations of the subject this window.</summary>
    public int? DistinctDestinations { get; init; }

    /// <summary>Drift: distinct (destination, port) pairs of the subject this window.</summary>
    public int? DistinctServices { get; init; }

    /// <summary>Fan-in/attractor/aggregator: distinct sources.</summary>
    public int? SourceCount { get; init; }

    /// <summary>Contacts (OPEN records) counted in the window.</summary>
    public int? ContactCount { get; init; }

    /// <summary>Shannon entropy, bits, of the contacts over source node ids (ip_H).</summary>
    public double? SourceEntropyBits { get; init; }

    /// <summary>Normalised inter-arrival timing entropy (timing_H): ≈0 synchronised, ≈1 Poisson-like.</summary>
    public double? TimingEntropy { get; init; }

    /// <summary>Attractor: distinct sources on the edge hash.</summary>
    public int? ClusterSize { get; init; }

    /// <summary>Attractor: normalised entropy of the sources' networks.</summary>
    public double? InfraEntropy { get; init; }

    /// <summary>1 − <see cref="TimingEntropy"/>.</summary>
    public double? TemporalSync { get; init; }

    /// <summary>Attractor: fraction of the window's sources whose presence began inside the window.</summary>
    public double? Turnover { get; init; }

    /// <summary>Destination port of the target service, when the finding is about one.</summary>
    public ushort? DstPort { get; init; }

    /// <summary>IANA protocol of the target service, when the finding is about one.</summary>
    public byte? Protocol { get; init; }
}
