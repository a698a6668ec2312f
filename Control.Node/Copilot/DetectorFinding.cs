using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Detection.Detectors;
using NerfEngine.Control.Engine;

namespace NerfEngine.Control.Copilot;

/// <summary>What a detector said, as the autopilot kept it: an event card, a queued suggestion or an observation.</summary>
/// <param name="Detector">Detector name.</param>
/// <param name="Pattern">Verdict wire name (scanner, botnet_coordination, …).</param>
/// <param name="Shape">The detection's shape text (DRIFT[SCANNER] delta=60, …).</param>
/// <param name="Tier">Alert tier the score reached.</param>
/// <param name="Confidence">The autopilot's score.</param>
/// <param name="SubjectNode">The node the finding is about.</param>
/// <param name="NodeIds">Every node the finding involves.</param>
public readonly record struct DetectorFinding(
    string Detector, string Pattern, string Shape, AlertTier Tier, double Confidence, ulong SubjectNode, IReadOnlyList<ulong> NodeIds)
{
    /// <summary>
    /// Verdicts that name a threat. aggregator and fan_in describe load (a popular service, a flash crowd) and must not
    /// raise a threat score (SPEC §3: unsynchronised fan-in is not a botnet).
    /// </summary>
    public static readonly IReadOnlySet<string> ThreatPatterns = new[]
    {
        DetectionVerdict.Scanner, DetectionVerdict.Lateral, DetectionVerdict.BotnetCoordination, DetectionVerdict.RotatingBotnet,
    }.Select(v => v.ToWireName()).ToHashSet(StringComparer.Ordinal);

    /// <summary>Whether the verdict names a threat (<see cref="ThreatPatterns"/>).</summary>
    public bool IsThreat => ThreatPatterns.Contains(Pattern);

    /// <summary>"subject" when the finding is about <paramref name="node"/>, "involved" when it names it, else empty.</summary>
    public string RoleOf(ulong node) => SubjectNode == node ? "subject" : NodeIds.Contains(node) ? "involved" : string.Empty;

    /// <summary>
    /// The newest findings, cards first, then queued suggestions and recent observations, at most
    /// <paramref name="searched"/> of each. Read on the engine's thread (the sentinel belongs to it).
    /// </summary>
    public static IEnumerable<DetectorFinding> Recent(EngineCore core, int searched)
    {
        ArgumentNullException.ThrowIfNull(core);
        var sentinel = core.Sentinel;
        return sentinel.RecentCards(searched)
            .Select(c => new DetectorFinding(c.Detector, c.Pattern, c.Shape, c.Tier, c.Confidence, c.SubjectNode, c.NodeIds))
            .Concat(sentinel.Suggestions.Peek(searched).Concat(sentinel.Observations.Recent(searched))
                .Select(s => new DetectorFinding(s.Detection.Detector, s.Detection.Verdict.ToWireName(), s.Detection.Pattern, s.Tier, s.Score,
                    s.Detection.SubjectNode, s.Detection.NodeIds)));
    }
}
