namespace NerfEngine.Control.Autopilot;

/// <summary>Where a scored detection goes (SPEC §4 tier router).</summary>
public enum AlertTier
{
    /// <summary>Score below the observation bound: dropped (counted).</summary>
    Discard = 0,

    /// <summary>Internal observation log.</summary>
    Observation = 1,

    /// <summary>Suggestion queue; the analyst pulls.</summary>
    Suggestion = 2,

    /// <summary>Event card emitted.</summary>
    Alert = 3,

    /// <summary>Event card emitted and the investigator woken (Tier 3).</summary>
    Autonomous = 4,
}

/// <summary>Maps a score to its tier with inclusive lower bounds: 0.5999 discards, 0.60 observes.</summary>
public sealed class TierRouter(TierThresholds? thresholds = null)
{
    private readonly TierThresholds _t = thresholds ?? new TierThresholds();

    /// <summary>The bounds in use.</summary>
    public TierThresholds Thresholds => _t;

    /// <summary>The tier of <paramref name="score"/>; NaN discards.</summary>
    public AlertTier Route(double score) =>
        score >= _t.Autonomous ? AlertTier.Autonomous
        : score >= _t.Alert ? AlertTier.Alert
        : score >= _t.Suggestion ? AlertTier.Suggestion
        : score >= _t.Observation ? AlertTier.Observation
        : AlertTier.Discard;
}

/// <summary>snake_case names for JSON and text.</summary>
public static class AlertTierNames
{
    /// <summary>"discard", "observation", "suggestion", "alert", "autonomous".</summary>
    public static string ToWireName(this AlertTier tier) => tier.ToString().ToLowerInvariant();
}
