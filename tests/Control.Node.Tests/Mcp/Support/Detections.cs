using System.Collections.Immutable;
using NerfEngine.Control.Detection.Detectors;
using NerfEngine.Control.Engine;

namespace NerfEngine.Tests.ControlNode.Mcp.Support;

using Detection = NerfEngine.Control.Detection.Detectors.Detection;

/// <summary>Feeds the autopilot through the engine so its tools have a card, a suggestion and an observation to show.</summary>
internal static class Detections
{
    public static Task FeedAsync(GraphEngine engine, ulong subject, long windowEndNs) => engine.QueryAsync(core =>
    {
        // timing entropy 0 → botnet_coordination 0.92: an autonomous-tier card.
        core.Sentinel.OnDetection(FanIn(subject, DetectionVerdict.BotnetCoordination, 0.0, windowEndNs));
        // unsynchronised fan-in 0.72 → suggestion queue.
        core.Sentinel.OnDetection(FanIn(subject + 1, DetectionVerdict.FanIn, 0.0, windowEndNs));
        // timing entropy 1 → 0.62 → observation log.
        core.Sentinel.OnDetection(FanIn(subject + 2, DetectionVerdict.FanIn, 1.0, windowEndNs));
        return true;
    });

    private static Detection FanIn(ulong subject, DetectionVerdict verdict, double timingEntropy, long endNs) => new()
    {
        Detector = DetectorNames.TemporalFanIn,
        Verdict = verdict,
        Pattern = verdict == DetectionVerdict.BotnetCoordination ? "synchronised" : "unsynchronised",
        SubjectNode = subject,
        NodeIds = [subject, 11, 12, 13],
        NodeCount = 120,
        WindowStartNs = endNs - 200_000_000,
        WindowEndNs = endNs,
        Measures = new DetectionMeasures { SourceCount = 120, SourceEntropyBits = 6.91, TimingEntropy = timingEntropy, DstPort = 443, Protocol = 6 },
    };
}
