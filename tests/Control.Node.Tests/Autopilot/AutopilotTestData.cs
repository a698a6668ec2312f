namespace NerfEngine.Tests.ControlNode.Autopilot;

using System.Collections.Immutable;
using NerfEngine.Control.Detection.Detectors;

/// <summary>Hand-built detections with exactly the measures a scorer or router test needs.</summary>
internal static class AutopilotTestData
{
    public const long T0 = 1_700_000_000L * 1_000_000_000L;
    public const long S = 1_000_000_000L;

    public static Detection Drift(double score, long endNs = T0 + S, ulong subject = 1, int delta = 60) => new()
    {
        Detector = DetectorNames.TopologyDrift,
        Verdict = DetectionVerdict.Scanner,
        Pattern = "vertical",
        SubjectNode = subject,
        NodeIds = [subject, 2],
        NodeCount = 2,
        WindowStartNs = endNs - S,
        WindowEndNs = endNs,
        Score = score,
        Measures = new DetectionMeasures { Delta = delta, DistinctDestinations = 1, DistinctServices = delta },
    };

    public static Detection FanIn(bool botnet, double timingEntropy, long endNs = T0 + S, int sources = 120) => new()
    {
        Detector = DetectorNames.TemporalFanIn,
        Verdict = botnet ? DetectionVerdict.BotnetCoordination : DetectionVerdict.FanIn,
        Pattern = botnet ? "synchronised" : "unsynchronised",
        SubjectNode = 0xABCDEF,
        NodeIds = [0xABCDEF, .. Enumerable.Range(1, 5).Select(i => (ulong)i)],
        NodeCount = sources + 1,
        WindowStartNs = endNs - S / 5,
        WindowEndNs = endNs,
        Measures = new DetectionMeasures
        {
            SourceCount = sources, SourceEntropyBits = Math.Log2(sources), TimingEntropy = timingEntropy,
            TemporalSync = 1 - timingEntropy, DstPort = 443, Protocol = 6,
        },
    };

    public static Detection Attractor(double infra, double sync, double turnover) => new()
    {
        Detector = DetectorNames.GraphAttractor,
        Verdict = DetectionVerdict.RotatingBotnet,
        Pattern = "rotating",
        SubjectNode = 7,
        NodeIds = ImmutableArray.Create<ulong>(7, 8, 9),
        NodeCount = 51,
        WindowStartNs = T0,
        WindowEndNs = T0 + 5 * S,
        Measures = new DetectionMeasures { ClusterSize = 50, InfraEntropy = infra, TemporalSync = sync, Turnover = turnover },
    };
}
