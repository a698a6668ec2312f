namespace NerfEngine.Tests.ControlNode.Autopilot;

using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Detection.Detectors;
using static NerfEngine.Tests.ControlNode.Autopilot.AutopilotTestData;

/// <summary>Identical alerts are suppressed for 30 s of event time; memory stays bounded.</summary>
public sealed class AlertDeduplicatorTests
{
    private readonly AlertDeduplicator _dedup = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), maxEntries: 1000);

    [Fact]
    public void The_same_alert_is_a_duplicate_until_its_ttl_expires_in_event_time()
    {
        Detection alert = Drift(0.9, endNs: T0 + S);

        Assert.False(_dedup.IsDuplicate(alert));
        Assert.True(_dedup.IsDuplicate(alert));
        Assert.False(_dedup.IsDuplicate(Drift(0.9, endNs: T0 + S + 29_999_000_000L, subject: 2)));  // time moves on
        Assert.True(_dedup.IsDuplicate(alert));                                                     // 29.999 s: still held
        Assert.False(_dedup.IsDuplicate(Drift(0.9, endNs: T0 + S + 30 * S, subject: 3)));
        Assert.False(_dedup.IsDuplicate(alert));                                                    // 30 s: expired
    }

    [Fact]
    public void The_key_covers_detector_pattern_sorted_nodes_and_window_second()
    {
        Detection a = Drift(0.9);
        Assert.Equal(_dedup.KeyOf(a), _dedup.KeyOf(a with { NodeIds = [2, 1] }));          // order does not matter
        Assert.Equal(_dedup.KeyOf(a), _dedup.KeyOf(a with { WindowEndNs = a.WindowEndNs + S / 2 })); // same second
        Assert.NotEqual(_dedup.KeyOf(a), _dedup.KeyOf(a with { WindowEndNs = a.WindowEndNs + S }));
        Assert.NotEqual(_dedup.KeyOf(a), _dedup.KeyOf(a with { NodeIds = [1, 3] }));
        Assert.NotEqual(_dedup.KeyOf(a), _dedup.KeyOf(a with { Verdict = DetectionVerdict.Lateral }));
        Assert.NotEqual(_dedup.KeyOf(a), _dedup.KeyOf(a with { Detector = "other" }));
    }

    [Fact]
    public void Memory_is_bounded_and_forgetting_is_counted()
    {
        var dedup = new AlertDeduplicator(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), maxEntries: 4);
        for (ulong i = 1; i <= 6; i++)
        {
            Assert.False(dedup.IsDuplicate(Drift(0.9, subject: 100 + i)));
        }

        Assert.Equal(4, dedup.Count);
        Assert.Equal(2, dedup.Evicted);
        Assert.False(dedup.IsDuplicate(Drift(0.9, subject: 101)));  // forgotten
        Assert.True(dedup.IsDuplicate(Drift(0.9, subject: 106)));
    }
}
