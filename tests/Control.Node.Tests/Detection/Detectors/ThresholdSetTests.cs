namespace NerfEngine.Tests.ControlNode.Detection.Detectors;

using NerfEngine.Control.Detection.Detectors;

/// <summary>reload_rules: validate the whole set first, swap atomically, keep the old set on error.</summary>
public sealed class ThresholdSetTests
{
    [Fact]
    public void Defaults_are_the_spec_numbers_and_valid()
    {
        var t = new DetectionThresholds();

        Assert.Empty(t.Validate());
        Assert.Equal(TimeSpan.FromSeconds(1), t.Cooldown);
        Assert.Equal(TimeSpan.FromMilliseconds(200), t.FanInWindow);
        Assert.Equal(TimeSpan.FromSeconds(5), t.AttractorWindow);
        Assert.Equal((40, 0.8, 0.75), (t.AttractorMinClusterSize, t.AttractorMinInfraEntropy, t.AttractorMinTemporalSync));
        Assert.Equal((30, 10, 50, 0.3), (t.ScannerDeltaThreshold, t.LateralMinHosts, t.FanInMinSources, t.BotnetMaxTimingEntropy));
    }

    [Fact]
    public void An_invalid_reload_lists_every_bad_field_and_keeps_the_old_set()
    {
        var set = new ThresholdSet();
        DetectionThresholds before = set.Current;
        var bad = new DetectionThresholds
        {
            FanInWindow = TimeSpan.Zero,
            BotnetMaxTimingEntropy = 1.5,
            AttractorMinClusterSize = 1,
            AttractorStep = TimeSpan.FromSeconds(10),
            InfraPrefixBitsIpv4 = 40,
        };

        var ex = Assert.Throws<ThresholdValidationException>(() => set.Reload(bad));

        Assert.Equal(5, ex.Errors.Count);
        foreach (string field in new[] { "FanInWindow", "BotnetMaxTimingEntropy", "AttractorMinClusterSize", "AttractorStep", "InfraPrefixBitsIpv4" })
        {
            Assert.Contains(ex.Errors, e => e.StartsWith(field + ":", StringComparison.Ordinal));
            Assert.Contains(field, ex.Message);
        }

        Assert.Same(before, set.Current);
        Assert.Equal(1, set.Version);
    }

    [Fact]
    public void A_valid_reload_swaps_the_whole_set()
    {
        var set = new ThresholdSet();
        var next = new DetectionThresholds { FanInMinSources = 80 };

        Assert.True(set.TryReload(next, out IReadOnlyList<string> errors));
        Assert.Empty(errors);
        Assert.Same(next, set.Current);
        Assert.Equal(2, set.Version);
    }

    [Fact]
    public void An_invalid_initial_set_fails_at_start_up()
    {
        Assert.Throws<ThresholdValidationException>(() => new ThresholdSet(new DetectionThresholds { DriftWindow = TimeSpan.FromSeconds(-1) }));
    }
}
