using NerfEngine.Control.LiveIngest;

namespace NerfEngine.Tests.ControlNode.LiveIngest;

/// <summary>The event-type frequency filter at its thresholds: baseline + k·sigma over a sliding window, warm-up, clamp, idle reset.</summary>
public sealed class EventTypeFrequencyFilterTests
{
    /// <summary>2025-01-01T00:00Z, a whole number of 10 s windows.</summary>
    private static readonly long Start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    private static long At(double seconds) => Start + (long)Math.Round(seconds * TimeSpan.TicksPerSecond);

    /// <summary>10 events per second (one every 100 ms) from <paramref name="from"/> to <paramref name="to"/> seconds; returns the drops.</summary>
    private static int Steady(EventTypeFrequencyFilter filter, string type, double from, double to)
    {
        var dropped = 0;
        for (var tick = At(from); tick < At(to); tick += TimeSpan.TicksPerSecond / 10)
        {
            if (!filter.Observe(type, tick)) dropped++;
        }

        return dropped;
    }

    [Fact]
    public void Steady_traffic_at_its_baseline_is_never_dropped()
    {
        var filter = new EventTypeFrequencyFilter(new LiveIngestOptions());
        Assert.Equal(0, Steady(filter, "flow", 0, 180));
        var flow = Assert.Single(filter.Snapshot(At(180)));
        Assert.False(flow.WarmingUp);
        Assert.Equal(100, flow.BaselineMean, 6);
        Assert.Equal(110, flow.Threshold!.Value, 6); // mean 100 + 1·max(sigma 0, √100, 1)
        Assert.Equal(0, flow.Dropped);
        Assert.Equal(1800, flow.Passed);
    }

    [Fact]
    public void A_burst_above_baseline_plus_sigma_is_cut_at_the_threshold_and_the_excess_counted()
    {
        var filter = new EventTypeFrequencyFilter(new LiveIngestOptions());
        Assert.Equal(0, Steady(filter, "flow", 0, 120.05));

        // The last 10 s hold 91 events (9 full 1 s buckets + the event at 120.0 s); the threshold is 110.
        var passed = 0;
        for (var i = 0; i < 500; i++)
        {
            if (filter.Observe("flow", At(120.05))) passed++;
        }

        Assert.Equal(110 - 91, passed);
        var flow = Assert.Single(filter.Snapshot(At(120.05)));
        Assert.Equal(481, flow.Dropped);
        Assert.Equal(591, flow.Rate);

        // The burst keeps the type throttled until it leaves the window; then steady traffic passes again.
        Assert.True(Steady(filter, "flow", 120.1, 130.1) > 0);
        Assert.Equal(0, Steady(filter, "flow", 131, 200));
    }

    [Fact]
    public void One_burst_does_not_teach_the_baseline_that_bursts_are_normal()
    {
        var filter = new EventTypeFrequencyFilter(new LiveIngestOptions());
        Steady(filter, "flow", 0, 120.05);
        for (var i = 0; i < 500; i++) filter.Observe("flow", At(120.05));
        Steady(filter, "flow", 120.1, 130.05);

        // The burst window (≈ 600 events) was learned as at most mean + 3·sigma = 130, not as 600.
        var flow = Assert.Single(filter.Snapshot(At(130.05)));
        Assert.True(flow.BaselineMean < 105, $"baseline mean {flow.BaselineMean}");

        // So the same burst again is still dropped.
        Steady(filter, "flow", 130.1, 200.05);
        var before = Assert.Single(filter.Snapshot(At(200.05))).Dropped;
        for (var i = 0; i < 500; i++) filter.Observe("flow", At(200.05));
        Assert.True(Assert.Single(filter.Snapshot(At(200.05))).Dropped - before > 450);
    }

    [Fact]
    public void A_new_type_warms_up_before_anything_of_it_is_dropped()
    {
        var options = new LiveIngestOptions();
        var filter = new EventTypeFrequencyFilter(options);
        for (var i = 0; i < 1000; i++) Assert.True(filter.Observe("alert", At(0.5)));
        var alert = Assert.Single(filter.Snapshot(At(1)));
        Assert.True(alert.WarmingUp);
        Assert.Null(alert.Threshold);

        // Judged only after FrequencyWarmupWindows complete windows (the first, partial window is not a sample).
        var lastWarmWindowStart = options.FrequencyWarmupWindows * 10;
        Steady(filter, "alert", 10, lastWarmWindowStart);
        Assert.True(Assert.Single(filter.Snapshot(At(lastWarmWindowStart))).WarmingUp);
        Steady(filter, "alert", lastWarmWindowStart, lastWarmWindowStart + 10);
        Assert.False(Assert.Single(filter.Snapshot(At(lastWarmWindowStart + 10))).WarmingUp);
    }

    [Fact]
    public void The_sigma_multiplier_sets_the_threshold()
    {
        var filter = new EventTypeFrequencyFilter(new LiveIngestOptions { FrequencySigmas = 3 });
        Steady(filter, "dns", 0, 120);
        Assert.Equal(130, Assert.Single(filter.Snapshot(At(120))).Threshold!.Value, 6);
    }

    [Fact]
    public void A_type_silent_longer_than_the_idle_reset_warms_up_again()
    {
        var filter = new EventTypeFrequencyFilter(new LiveIngestOptions());
        Steady(filter, "flow", 0, 120);
        Assert.False(Assert.Single(filter.Snapshot(At(120))).WarmingUp);
        Assert.True(filter.Observe("flow", At(120 + 301)));
        var flow = Assert.Single(filter.Snapshot(At(421)));
        Assert.True(flow.WarmingUp);
        Assert.Equal(0, flow.BaselineWindows);
    }

    [Fact]
    public void Types_beyond_the_tracked_bound_share_one_row()
    {
        var filter = new EventTypeFrequencyFilter(new LiveIngestOptions { MaxTrackedNames = 2 });
        foreach (var type in new[] { "flow", "dns", "http", "tls" }) filter.Observe(type, At(1));
        var types = filter.Snapshot(At(1)).Select(t => t.Type).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["(other)", "dns", "flow"], types);
        Assert.Equal(2, filter.Snapshot(At(1)).Single(t => t.Type == "(other)").Passed);
    }
}
