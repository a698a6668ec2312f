using System.Collections.Immutable;
using NerfEngine.Control.Detection.Detectors;

namespace NerfEngine.Control.Autopilot;

/// <summary>
/// The analyst briefing for one alert (SPEC §4): pattern, node count, window, confidence, temporal
/// sync, source entropy and suggested next steps, plus what happened to the investigation.
/// Rendered by <see cref="EventCardRenderer"/> as text for people and JSON for tools.
/// </summary>
public sealed record EventCard
{
    /// <summary>Dedup hash of the detection, hex: the same alert always has the same id.</summary>
    public required string Id { get; init; }

    /// <summary>One-line label, e.g. "DRIFT[SCANNER] delta=60".</summary>
    public required string Title { get; init; }

    /// <summary>Detector that produced the finding.</summary>
    public required string Detector { get; init; }

    /// <summary>Verdict wire name, e.g. "botnet_coordination".</summary>
    public required string Pattern { get; init; }

    /// <summary>Shape within the verdict, e.g. "vertical".</summary>
    public required string Shape { get; init; }

    /// <summary>Tier the card was routed to.</summary>
    public required AlertTier Tier { get; init; }

    /// <summary>Scorer confidence in [0, 1].</summary>
    public required double Confidence { get; init; }

    /// <summary>Nodes involved (subject included, uncapped).</summary>
    public required int NodeCount { get; init; }

    /// <summary>The node the finding is about.</summary>
    public required ulong SubjectNode { get; init; }

    /// <summary>Its address, when the node directory knows it.</summary>
    public string? SubjectAddress { get; init; }

    /// <summary>Involved node ids (subject first, capped as in the detection).</summary>
    public required ImmutableArray<ulong> NodeIds { get; init; }

    /// <summary>
    /// Ids of the graph edges behind the finding, heaviest first and capped (<see cref="AutopilotOptions.CardEdgeIds"/>):
    /// for lateral movement the subject's edges to the hosts it reached; empty for other verdicts.
    /// </summary>
    public ImmutableArray<string> EdgeIds { get; init; } = [];

    /// <summary>Window start, Unix ns (event time).</summary>
    public required long WindowStartNs { get; init; }

    /// <summary>Window end, Unix ns (event time).</summary>
    public required long WindowEndNs { get; init; }

    /// <summary>1 − timing entropy of the finding, or of the window snapshot when the detector does not measure timing.</summary>
    public double? TemporalSync { get; init; }

    /// <summary>Source entropy in bits, of the finding or of the window snapshot.</summary>
    public double? SourceEntropyBits { get; init; }

    /// <summary>Everything the detector measured.</summary>
    public required DetectionMeasures Measures { get; init; }

    /// <summary>Next steps (<see cref="SuggestedActions"/> wire names).</summary>
    public required ImmutableArray<string> SuggestedActions { get; init; }

    /// <summary>"no investigator configured", "investigator notified", "not escalated", or an error.</summary>
    public required string Investigation { get; init; }

    /// <summary>Window length in ms.</summary>
    public double WindowMs => (WindowEndNs - WindowStartNs) / 1e6;
}

/// <summary>The suggested next steps a card may carry, and which verdicts call for which.</summary>
public static class SuggestedActions
{
    /// <summary>Cluster the sources by arrival timing.</summary>
    public const string ClusterTiming = "cluster_timing";

    /// <summary>Analyse the ASN diversity of the sources.</summary>
    public const string AnalyseAsnDiversity = "analyse_asn_diversity";

    /// <summary>Trace the infrastructure paths of the involved nodes.</summary>
    public const string TraceInfrastructurePaths = "trace_infrastructure_paths";

    /// <summary>Compare with previously seen clusters.</summary>
    public const string CompareWithPreviousClusters = "compare_with_previous_clusters";

    /// <summary>Steps for a verdict: coordination findings get all four; others the ones that fit their shape.</summary>
    public static ImmutableArray<string> For(DetectionVerdict verdict) => verdict switch
    {
        DetectionVerdict.BotnetCoordination or DetectionVerdict.RotatingBotnet =>
            [ClusterTiming, AnalyseAsnDiversity, TraceInfrastructurePaths, CompareWithPreviousClusters],
        DetectionVerdict.FanIn => [ClusterTiming, AnalyseAsnDiversity, CompareWithPreviousClusters],
        DetectionVerdict.Lateral => [TraceInfrastructurePaths, ClusterTiming, CompareWithPreviousClusters],
        DetectionVerdict.Aggregator => [AnalyseAsnDiversity, CompareWithPreviousClusters],
        _ => [TraceInfrastructurePaths, CompareWithPreviousClusters],
    };

    /// <summary>Words for people: "cluster timing", "analyse ASN diversity", …</summary>
    public static string Describe(string action) => action switch
    {
        ClusterTiming => "cluster timing",
        AnalyseAsnDiversity => "analyse ASN diversity",
        TraceInfrastructurePaths => "trace infrastructure paths",
        CompareWithPreviousClusters => "compare with previous clusters",
        _ => action.Replace('_', ' '),
    };
}
