namespace NerfEngine.Control.Detection.Detectors;

/// <summary>
/// Every window, threshold and bound of the detectors (section <c>Detection:Thresholds</c>), with
/// the SPEC's numbers as defaults. Times are event time. Swapped as a whole through
/// <see cref="ThresholdSet"/> (reload_rules); detectors pick up a new set at their next window.
/// </summary>
public sealed record DetectionThresholds
{
    // ---- shared ----

    /// <summary>Per (detector, verdict) cooldown. SPEC: 1.0 s.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Node ids listed in one detection (the count is always exact).</summary>
    public int MaxReportedNodes { get; init; } = 256;

    /// <summary>
    /// Timing-entropy resolution: histogram bins per mean inter-arrival gap (bin = window / (n·K)).
    /// See <see cref="TimingEntropy"/> for why the bin scales with the arrival rate.
    /// </summary>
    public int TimingBinsPerMeanGap { get; init; } = 4;

    // ---- topology drift ----

    /// <summary>
    /// Tumbling window over which degrees are counted. Default 500 ms: an attack starting anywhere
    /// in a window fills the next one completely, so it is reported within 1 s of its onset.
    /// </summary>
    public TimeSpan DriftWindow { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Service out-degree delta (distinct (dst, port) pairs) that makes a scanner. Default 30.</summary>
    public int ScannerDeltaThreshold { get; init; } = 30;

    /// <summary>In-degree delta (distinct sources) that makes an aggregator. Default 30.</summary>
    public int AggregatorDeltaThreshold { get; init; } = 30;

    /// <summary>
    /// Aggregator needs the destination active in the previous window too: a server's first window
    /// always "jumps" from zero, and that is not drift. Default true.
    /// </summary>
    public bool AggregatorRequiresBaseline { get; init; } = true;

    /// <summary>Internal-destination delta of an internal source that makes lateral movement. Default 10.</summary>
    public int LateralMinHosts { get; init; } = 10;

    /// <summary>Administrative ports for the lateral admin-ports pattern (SSH, RPC, SMB, RDP, WinRM).</summary>
    public IReadOnlyList<ushort> LateralAdminPorts { get; init; } = [22, 135, 445, 3389, 5985, 5986];

    /// <summary>Drift score at exactly the threshold for scanners: a clear scanner scores ≥ 0.80.</summary>
    public double ScannerBaseScore { get; init; } = 0.80;

    /// <summary>Drift score at exactly the threshold for lateral movement.</summary>
    public double LateralBaseScore { get; init; } = 0.80;

    /// <summary>Drift score at exactly the threshold for aggregators: lower, many-to-one is often a busy server.</summary>
    public double AggregatorBaseScore { get; init; } = 0.70;

    /// <summary>
    /// Highest aggregator score: below the alert tier (0.80), so an in-degree surge alone — a flash
    /// crowd, a busy server — reaches the suggestion queue, never a card. Synchronised many-to-one
    /// arrivals are the fan-in detector's finding and are scored there.
    /// </summary>
    public double AggregatorScoreCap { get; init; } = 0.79;

    /// <summary>Score added per threshold-width of delta beyond the threshold.</summary>
    public double DriftScoreSlope { get; init; } = 0.19;

    /// <summary>Upper bound of drift scores.</summary>
    public double DriftScoreCap { get; init; } = 0.99;

    /// <summary>Distinct (src, dst, port) contacts tracked per window; beyond, contacts are refused and counted.</summary>
    public int DriftMaxTrackedContacts { get; init; } = 4_000_000;

    // ---- temporal fan-in ----

    /// <summary>Sliding window for distinct sources per target. SPEC: 200 ms.</summary>
    public TimeSpan FanInWindow { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Distinct sources in the window that make a fan-in. Default 50.</summary>
    public int FanInMinSources { get; init; } = 50;

    /// <summary>Target = destination + port + protocol (true) or the destination node alone (false).</summary>
    public bool FanInKeyByPort { get; init; } = true;

    /// <summary>Timing entropy at or below which a fan-in is botnet_coordination. Default 0.3.</summary>
    public double BotnetMaxTimingEntropy { get; init; } = 0.3;

    /// <summary>(target, source) pairs tracked; beyond, contacts are refused and counted.</summary>
    public int FanInMaxTrackedPairs { get; init; } = 2_000_000;

    // ---- graph attractor ----

    /// <summary>Sliding window per edge hash. SPEC: 5 s.</summary>
    public TimeSpan AttractorWindow { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the sliding window is evaluated. Default 500 ms, so a rotating botnet is reported within 1 s of its onset.</summary>
    public TimeSpan AttractorStep { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>rotating_botnet needs strictly more distinct sources than this. SPEC: 40.</summary>
    public int AttractorMinClusterSize { get; init; } = 40;

    /// <summary>…and normalised infrastructure entropy strictly above this. SPEC: 0.8.</summary>
    public double AttractorMinInfraEntropy { get; init; } = 0.8;

    /// <summary>…and temporal sync strictly above this. SPEC: 0.75.</summary>
    public double AttractorMinTemporalSync { get; init; } = 0.75;

    /// <summary>IPv4 prefix length that defines one "network" for infrastructure entropy. Default /16.</summary>
    public int InfraPrefixBitsIpv4 { get; init; } = 16;

    /// <summary>IPv6 prefix length that defines one "network". Default /48 (a typical site allocation).</summary>
    public int InfraPrefixBitsIpv6 { get; init; } = 48;

    /// <summary>(edge hash, source) pairs tracked; beyond, contacts are refused and counted.</summary>
    public int AttractorMaxTrackedPairs { get; init; } = 2_000_000;

    // ---- metrics collector ----

    /// <summary>Tumbling window of the shared hypergraph snapshot. Default 1 s.</summary>
    public TimeSpan MetricsWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Arrival times kept per window for temporal sync; beyond, samples are decimated by 2.</summary>
    public int MetricsMaxTimingSamples { get; init; } = 262_144;

    /// <summary>Distinct (src, dst) edges tracked per window.</summary>
    public int MetricsMaxTrackedEdges { get; init; } = 4_000_000;

    /// <summary>Every problem with this set, one "field: reason" line each; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        Positive(errors, nameof(Cooldown), Cooldown, allowZero: true);
        AtLeast(errors, nameof(MaxReportedNodes), MaxReportedNodes, 1);
        AtLeast(errors, nameof(TimingBinsPerMeanGap), TimingBinsPerMeanGap, 1);

        Positive(errors, nameof(DriftWindow), DriftWindow);
        AtLeast(errors, nameof(ScannerDeltaThreshold), ScannerDeltaThreshold, 1);
        AtLeast(errors, nameof(AggregatorDeltaThreshold), AggregatorDeltaThreshold, 1);
        AtLeast(errors, nameof(LateralMinHosts), LateralMinHosts, 1);
        if (LateralAdminPorts is null)
        {
            errors.Add($"{nameof(LateralAdminPorts)}: must be a list (may be empty).");
        }

        Unit(errors, nameof(ScannerBaseScore), ScannerBaseScore);
        Unit(errors, nameof(LateralBaseScore), LateralBaseScore);
        Unit(errors, nameof(AggregatorBaseScore), AggregatorBaseScore);
        Unit(errors, nameof(DriftScoreSlope), DriftScoreSlope);
        Unit(errors, nameof(DriftScoreCap), DriftScoreCap);
        Unit(errors, nameof(AggregatorScoreCap), AggregatorScoreCap);
        AtLeast(errors, nameof(DriftMaxTrackedContacts), DriftMaxTrackedContacts, 16);

        Positive(errors, nameof(FanInWindow), FanInWindow);
        AtLeast(errors, nameof(FanInMinSources), FanInMinSources, 3);
        Unit(errors, nameof(BotnetMaxTimingEntropy), BotnetMaxTimingEntropy);
        AtLeast(errors, nameof(FanInMaxTrackedPairs), FanInMaxTrackedPairs, 16);

        Positive(errors, nameof(AttractorWindow), AttractorWindow);
        Positive(errors, nameof(AttractorStep), AttractorStep);
        if (AttractorStep > AttractorWindow)
        {
            errors.Add($"{nameof(AttractorStep)}: {AttractorStep} must not exceed {nameof(AttractorWindow)} {AttractorWindow}.");
        }

        AtLeast(errors, nameof(AttractorMinClusterSize), AttractorMinClusterSize, 2);
        Unit(errors, nameof(AttractorMinInfraEntropy), AttractorMinInfraEntropy);
        Unit(errors, nameof(AttractorMinTemporalSync), AttractorMinTemporalSync);
        InRange(errors, nameof(InfraPrefixBitsIpv4), InfraPrefixBitsIpv4, 1, 32);
        InRange(errors, nameof(InfraPrefixBitsIpv6), InfraPrefixBitsIpv6, 1, 128);
        AtLeast(errors, nameof(AttractorMaxTrackedPairs), AttractorMaxTrackedPairs, 16);

        Positive(errors, nameof(MetricsWindow), MetricsWindow);
        AtLeast(errors, nameof(MetricsMaxTimingSamples), MetricsMaxTimingSamples, 16);
        AtLeast(errors, nameof(MetricsMaxTrackedEdges), MetricsMaxTrackedEdges, 16);
        return errors;
    }

    /// <summary>A TimeSpan as event-time nanoseconds.</summary>
    internal static long Ns(TimeSpan span) => span.Ticks * 100;

    private static void Positive(List<string> errors, string name, TimeSpan value, bool allowZero = false)
    {
        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero))
        {
            errors.Add($"{name}: {value} must be {(allowZero ? "≥ 0" : "> 0")}.");
        }
    }

    private static void AtLeast(List<string> errors, string name, int value, int min)
    {
        if (value < min)
        {
            errors.Add($"{name}: {value} must be ≥ {min}.");
        }
    }

    private static void InRange(List<string> errors, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{name}: {value} must be in [{min}, {max}].");
        }
    }

    private static void Unit(List<string> errors, string name, double value)
    {
        if (!(value >= 0 && value <= 1))
        {
            errors.Add($"{name}: {value} must be in [0, 1].");
        }
    }
}
