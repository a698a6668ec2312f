namespace NerfEngine.Control.Detection.Detectors;

/// <summary>What a detector concluded. The SPEC's "pattern" for cooldown and dedup is this verdict.</summary>
public enum DetectionVerdict
{
    /// <summary>One source to many destinations or ports (topology drift).</summary>
    Scanner = 0,

    /// <summary>Many sources to one destination, as an in-degree jump (topology drift).</summary>
    Aggregator = 1,

    /// <summary>An internal host fanning out to internal hosts (topology drift).</summary>
    Lateral = 2,

    /// <summary>Many sources hitting one target with near-identical timing (temporal fan-in).</summary>
    BotnetCoordination = 3,

    /// <summary>Many sources hitting one target without synchronised timing: CDN, flash crowd (temporal fan-in).</summary>
    FanIn = 4,

    /// <summary>A large, synchronised, network-diverse source cluster on one service (graph attractor).</summary>
    RotatingBotnet = 5,
}

/// <summary>Wire names (snake_case) used in cards, JSON and dedup hashes.</summary>
public static class DetectionVerdictNames
{
    /// <summary>Number of verdicts (array sizing).</summary>
    public const int Count = 6;

    /// <summary>"scanner", "botnet_coordination", …</summary>
    public static string ToWireName(this DetectionVerdict verdict) => verdict switch
    {
        DetectionVerdict.Scanner => "scanner",
        DetectionVerdict.Aggregator => "aggregator",
        DetectionVerdict.Lateral => "lateral",
        DetectionVerdict.BotnetCoordination => "botnet_coordination",
        DetectionVerdict.FanIn => "fan_in",
        DetectionVerdict.RotatingBotnet => "rotating_botnet",
        _ => verdict.ToString(),
    };
}

/// <summary>Names of the detectors ("source type" in the SPEC's cooldown and dedup keys).</summary>
public static class DetectorNames
{
    /// <summary><see cref="TopologyDriftDetector"/>.</summary>
    public const string TopologyDrift = "topology_drift";

    /// <summary><see cref="TemporalFanInDetector"/>.</summary>
    public const string TemporalFanIn = "temporal_fan_in";

    /// <summary><see cref="GraphAttractorDetector"/>.</summary>
    public const string GraphAttractor = "graph_attractor";
}
