namespace NerfEngine.Control.Autopilot;

// Inside the namespace so the type Detection wins over the namespace NerfEngine.Control.Detection.
using NerfEngine.Control.Detection.Detectors;

/// <summary>
/// Turns a detection into a confidence in [0, 1], per detector:
/// <list type="bullet">
/// <item>fan-in (SPEC): base 0.92 for botnet_coordination else 0.72, minus min(0.15, timing_H × 0.10);</item>
/// <item>attractor: 0.90 + 0.03·r(infra) + 0.03·r(sync) + 0.03·turnover, capped at 0.99, where
/// r(x) = clamp((x − threshold)/(1 − threshold), 0, 1) measures how far past the detector's threshold
/// (0.8 infra, 0.75 sync) the cluster is: a rotating_botnet is autonomous-tier from the start, and
/// clearer ones score higher;</item>
/// <item>drift (SPEC): the detector's own score passes through.</item>
/// </list>
/// Scores are rounded to 1e-4 so decimal boundaries are exact (0.72 − 0.02 is 0.70, a suggestion).
/// </summary>
public sealed class AlertScorer(ScoringOptions? options = null)
{
    private readonly ScoringOptions _o = options ?? new ScoringOptions();

    /// <summary>Confidence of <paramref name="detection"/>.</summary>
    public double Score(Detection detection)
    {
        ArgumentNullException.ThrowIfNull(detection);
        double raw = detection.Detector switch
        {
            DetectorNames.TemporalFanIn => FanIn(detection),
            DetectorNames.GraphAttractor => Attractor(detection.Measures),
            _ => detection.Score ?? 0,
        };
        return Math.Round(Math.Clamp(raw, 0, 1), 4);
    }

    private double FanIn(Detection d)
    {
        double baseScore = d.Verdict == DetectionVerdict.BotnetCoordination ? _o.FanInBotnetBase : _o.FanInBase;
        // No timing evidence counts as fully unsynchronised (entropy 1).
        double timing = d.Measures.TimingEntropy ?? 1.0;
        return baseScore - Math.Min(_o.FanInTimingPenaltyCap, timing * _o.FanInTimingPenaltyPerUnit);
    }

    private double Attractor(DetectionMeasures m)
    {
        double infra = Past(m.InfraEntropy ?? 0, _o.AttractorInfraReference);
        double sync = Past(m.TemporalSync ?? 0, _o.AttractorSyncReference);
        double turnover = Math.Clamp(m.Turnover ?? 0, 0, 1);
        return Math.Min(_o.ScoreCap, _o.AttractorBase + _o.AttractorBonusPerMeasure * (infra + sync + turnover));
    }

    private static double Past(double value, double threshold) => Math.Clamp((value - threshold) / (1 - threshold), 0, 1);
}
