namespace NerfEngine.Control.Autonomy.Governance;

/// <summary>What happened that bears on trust.</summary>
public enum TrustEvidence
{
    /// <summary>An executed tool succeeded (executor), or a proposal passed every gate (analyst).</summary>
    Success = 0,

    /// <summary>An executed tool failed, timed out or threw.</summary>
    Error = 1,

    /// <summary>An executed tool hit its rate limit.</summary>
    RateLimitHit = 2,

    /// <summary>A proposal was rejected by the confidence, validation or stability gate (analyst only).</summary>
    GateRejection = 3,
}

/// <summary>
/// Trust in [0, 1], starting at 0.5. The update rule, asymmetric on purpose (slow to earn, quick to lose):
/// <list type="bullet">
/// <item>success: t ← t + g·(1 − t), g = <see cref="AutonomyOptions.TrustSuccessGain"/> (0.05): each success closes 5 % of the gap to 1, so 1 is approached, never jumped to;</item>
/// <item>error: t ← t − <see cref="AutonomyOptions.TrustErrorPenalty"/> (0.10): two errors from 0.5 reach the 0.30 gate, a third demotes;</item>
/// <item>rate-limit hit: t ← t − <see cref="AutonomyOptions.TrustRateLimitPenalty"/> (0.05): pushing against limits is a milder fault;</item>
/// <item>gate rejection (analyst): t ← t − <see cref="AutonomyOptions.AnalystRejectionPenalty"/> (0.02);</item>
/// </list>
/// then clamped to [0, 1]. Pure: the executor persists every result as a TrustAdjusted event.
/// </summary>
public sealed class TrustModel(AutonomyOptions options)
{
    /// <summary>Trust of a fresh executor and analyst.</summary>
    public double Initial => Clamp(options.InitialTrust);

    /// <summary>Trust after <paramref name="evidence"/>.</summary>
    public double Update(double trust, TrustEvidence evidence) => Clamp(evidence switch
    {
        TrustEvidence.Success => trust + (options.TrustSuccessGain * (1 - trust)),
        TrustEvidence.Error => trust - options.TrustErrorPenalty,
        TrustEvidence.RateLimitHit => trust - options.TrustRateLimitPenalty,
        TrustEvidence.GateRejection => trust - options.AnalystRejectionPenalty,
        _ => throw new ArgumentOutOfRangeException(nameof(evidence), evidence, "Unknown trust evidence."),
    });

    /// <summary>Clamps to [0, 1]; NaN becomes 0 (no trust in an undefined value).</summary>
    public static double Clamp(double trust) => double.IsNaN(trust) ? 0 : Math.Clamp(trust, 0, 1);
}
