namespace NerfEngine.Control.Copilot.Dsl;

/// <summary>ASSESS's result: the confidence and what it was made of.</summary>
/// <param name="Confidence">Threat confidence in [0, 1].</param>
/// <param name="Signals">The normalised signals used, each in [0, 1].</param>
/// <param name="FanInPattern">Score of the destination pattern (many sources converging), or null without its signals.</param>
/// <param name="SpreadPattern">Score of the source pattern (one source spreading over hosts or ports), or null without its signals.</param>
/// <param name="Detector">The strongest detector finding about the focus, or null when none was read.</param>
public sealed record ThreatScore(double Confidence, IReadOnlyDictionary<string, double> Signals, double? FanInPattern, double? SpreadPattern, double? Detector);

/// <summary>
/// ASSESS's deterministic rule: the stronger of two graph patterns, corroborated by the detectors.
/// <list type="bullet">
/// <item>Destination pattern (botnet fan-in) over <c>fanin</c> / <see cref="CopilotOptions.FanInSaturation"/>,
/// <c>temporal_sync</c>, <c>degree_delta</c> / <see cref="CopilotOptions.DegreeDeltaSaturation"/> and
/// <c>timing_cluster_share</c>: mean(signals present) × (0.5 + 0.5 × present / 4), so one strong signal reaches at
/// most 0.625 and a confident verdict needs corroboration.</item>
/// <item>Source pattern (scanning) over <c>fanout</c> / <see cref="CopilotOptions.FanOutSaturation"/>, <c>port_spread</c> /
/// <see cref="CopilotOptions.PortSpreadSaturation"/> and <c>probe_share</c>: breadth × (0.5 + 0.5 × probe_share), breadth
/// being the larger of fanout and port_spread (a horizontal scan is wide in hosts, a vertical one in ports). A busy
/// client whose connections carry real exchanges (probe_share ≈ 0) stays at half its breadth.</item>
/// <item>Detector finding (<c>detector</c>, the best autopilot score of a threat verdict whose subject is the focus):
/// confidence = 1 − (1 − graph) × (1 − <see cref="CopilotOptions.DetectorWeight"/> × detector).</item>
/// </list>
/// No signal → 0.
/// </summary>
public static class ThreatAssessment
{
    /// <summary>Signals of the destination pattern, in rule order.</summary>
    public static readonly IReadOnlyList<string> FanInSignals = ["fanin", "temporal_sync", "degree_delta", "timing_cluster_share"];

    /// <summary>Signals of the source pattern, in rule order.</summary>
    public static readonly IReadOnlyList<string> SpreadSignals = ["fanout", "port_spread", "probe_share"];

    /// <summary>Every evidence key ASSESS reads.</summary>
    public static readonly IReadOnlyList<string> Signals = [.. FanInSignals, .. SpreadSignals, "detector"];

    /// <summary>The rule in one line, as ASSESS reports it.</summary>
    public const string Rule =
        "graph = max(destination: mean(fanin, temporal_sync, degree_delta, timing_cluster_share present) × (0.5 + 0.5 × present / 4), " +
        "source: max(fanout, port_spread) × (0.5 + 0.5 × probe_share)); confidence = 1 − (1 − graph) × (1 − detector_weight × detector)";

    /// <summary>Scores <paramref name="evidence"/>.</summary>
    public static ThreatScore Assess(IReadOnlyDictionary<string, double> evidence, CopilotOptions options)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(options);
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
                "fanout" => raw / options.FanOutSaturation,
                "port_spread" => raw / options.PortSpreadSaturation,
                _ => raw,
            }, 0, 1);
        }

        double[] fanIn = FanInSignals.Where(used.ContainsKey).Select(s => used[s]).ToArray();
        double? fanInPattern = fanIn.Length == 0 ? null : fanIn.Average() * (0.5 + 0.5 * fanIn.Length / FanInSignals.Count);

        double? spreadPattern = null;
        if (used.ContainsKey("fanout") || used.ContainsKey("port_spread"))
        {
            double breadth = Math.Max(used.GetValueOrDefault("fanout"), used.GetValueOrDefault("port_spread"));
            spreadPattern = breadth * (0.5 + 0.5 * used.GetValueOrDefault("probe_share"));
        }

        double? detector = used.TryGetValue("detector", out double d) ? d : null;
        if (fanInPattern is null && spreadPattern is null && detector is null)
        {
            return new ThreatScore(0, used, null, null, null);
        }

        double graph = Math.Max(fanInPattern ?? 0, spreadPattern ?? 0);
        double confidence = 1 - (1 - graph) * (1 - options.DetectorWeight * (detector ?? 0));
        return new ThreatScore(Math.Clamp(confidence, 0, 1), used, fanInPattern, spreadPattern, detector);
    }
}
