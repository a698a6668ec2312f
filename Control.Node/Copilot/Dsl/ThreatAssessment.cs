namespace NerfEngine.Control.Copilot.Dsl;

/// <summary>
/// ASSESS's deterministic rule. Four signals, each in [0, 1]:
/// <list type="bullet">
/// <item><c>fanin</c> / <see cref="CopilotOptions.FanInSaturation"/> (capped at 1);</item>
/// <item><c>temporal_sync</c> as measured;</item>
/// <item><c>degree_delta</c> / <see cref="CopilotOptions.DegreeDeltaSaturation"/> (capped at 1);</item>
/// <item><c>timing_cluster_share</c> as measured by CLUSTER timing.</item>
/// </list>
/// confidence = mean(signals present) × (0.5 + 0.5 × present / 4): thin evidence can reach at most
/// 0.625 with one strong signal, so a confident verdict needs corroboration. No signal → 0.
/// </summary>
public static class ThreatAssessment
{
    /// <summary>Evidence keys ASSESS reads, in rule order.</summary>
    public static readonly IReadOnlyList<string> Signals = ["fanin", "temporal_sync", "degree_delta", "timing_cluster_share"];

    /// <summary>Confidence in [0, 1] and the normalised signals it used.</summary>
    public static (double Confidence, IReadOnlyDictionary<string, double> Used) Assess(IReadOnlyDictionary<string, double> evidence, CopilotOptions options)
    {
        var used = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string signal in Signals)
        {
            if (!evidence.TryGetValue(signal, out double raw) || double.IsNaN(raw))
            {
                continue;
            }

            used[signal] = Math.Clamp(signal switch
            {
                "fanin" => raw / options.FanInSaturation,
                "degree_delta" => raw / options.DegreeDeltaSaturation,
                _ => raw,
            }, 0, 1);
        }

        if (used.Count == 0)
        {
            return (0, used);
        }

        double coverage = 0.5 + 0.5 * used.Count / Signals.Count;
        return (Math.Clamp(used.Values.Average() * coverage, 0, 1), used);
    }
}
