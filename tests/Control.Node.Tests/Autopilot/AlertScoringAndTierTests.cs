namespace NerfEngine.Tests.ControlNode.Autopilot;

using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Detection.Detectors;

/// <summary>Scorer formulas and tier boundaries are exact.</summary>
public sealed class AlertScoringAndTierTests
{
    private readonly AlertScorer _scorer = new();
    private readonly TierRouter _router = new();

    [Theory]
    [InlineData(true, 0.0, 0.92)]
    [InlineData(true, 0.05, 0.915)]     // 0.92 − 0.005
    [InlineData(true, 0.3, 0.89)]       // 0.92 − 0.03
    [InlineData(false, 0.2, 0.70)]      // 0.72 − 0.02: exactly a suggestion
    [InlineData(false, 0.9, 0.63)]      // 0.72 − 0.09
    [InlineData(false, 1.0, 0.62)]
    [InlineData(false, 2.0, 0.57)]      // penalty capped at 0.15
    public void Fan_in_score_is_base_minus_capped_timing_penalty(bool botnet, double timing, double expected)
    {
        Assert.Equal(expected, _scorer.Score(AutopilotTestData.FanIn(botnet, timing)));
    }

    [Theory]
    [InlineData(0.81, 0.76, 0.0, 0.9027)] // 0.90 + 0.03·(0.01/0.2) + 0.03·(0.01/0.25)
    [InlineData(0.9, 0.875, 1.0, 0.96)]   // 0.90 + 0.015 + 0.015 + 0.03
    [InlineData(1.0, 1.0, 1.0, 0.99)]     // every bonus maxed = cap
    [InlineData(0.5, 0.5, 0.0, 0.90)]     // below thresholds earns no bonus (the detector would not fire)
    public void Attractor_score_is_base_plus_bounded_bonuses(double infra, double sync, double turnover, double expected)
    {
        Assert.Equal(expected, _scorer.Score(AutopilotTestData.Attractor(infra, sync, turnover)));
    }

    [Fact]
    public void Drift_scores_pass_through()
    {
        Assert.Equal(0.838, _scorer.Score(AutopilotTestData.Drift(0.838)));
        Assert.Equal(0.99, _scorer.Score(AutopilotTestData.Drift(0.99)));
    }

    [Theory]
    [InlineData(0.0, AlertTier.Discard)]
    [InlineData(0.5999, AlertTier.Discard)]
    [InlineData(0.60, AlertTier.Observation)]
    [InlineData(0.6999, AlertTier.Observation)]
    [InlineData(0.70, AlertTier.Suggestion)]
    [InlineData(0.7999, AlertTier.Suggestion)]
    [InlineData(0.80, AlertTier.Alert)]
    [InlineData(0.8999, AlertTier.Alert)]
    [InlineData(0.90, AlertTier.Autonomous)]
    [InlineData(1.0, AlertTier.Autonomous)]
    [InlineData(double.NaN, AlertTier.Discard)]
    public void Tier_boundaries_are_inclusive_lower_bounds(double score, AlertTier expected)
    {
        Assert.Equal(expected, _router.Route(score));
    }

    [Fact]
    public void Computed_scores_land_on_the_intended_side_of_a_boundary()
    {
        // 0.72 − 0.2·0.10 is 0.7000000000000001 or 0.6999999999999999 in raw doubles; rounding makes it 0.70.
        Assert.Equal(AlertTier.Suggestion, _router.Route(_scorer.Score(AutopilotTestData.FanIn(false, 0.2))));
        Assert.Equal(AlertTier.Autonomous, _router.Route(_scorer.Score(AutopilotTestData.FanIn(true, 0.2))));
    }

    [Fact]
    public void Tier_bounds_are_validated_with_every_problem_listed()
    {
        var options = new AutopilotOptions
        {
            Tiers = new TierThresholds { Observation = 0.6, Suggestion = 0.5, Alert = 1.2, Autonomous = 0.9 },
            DedupTtl = TimeSpan.Zero,
        };

        IReadOnlyList<string> errors = options.Validate();
        Assert.Contains(errors, e => e.StartsWith("Tiers.Suggestion", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Tiers.Alert", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("DedupTtl", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => new Sentinel(options));
    }
}
