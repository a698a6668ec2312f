using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Actors.Testing;

namespace NerfEngine.Tests.SharedFabric.Actors;

/// <summary>The restart arithmetic, without any actor.</summary>
public sealed class RestartPolicyTests
{
    [Fact]
    public void Backoff_grows_by_the_factor_and_is_capped()
    {
        var backoff = new RestartBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), 2.0);

        var delays = Enumerable.Range(0, 6).Select(backoff.DelayFor).Select(d => d.TotalMilliseconds);

        Assert.Equal([100, 200, 400, 800, 1000, 1000], delays);
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.DelayFor(10_000));
    }

    [Fact]
    public void Invalid_backoff_settings_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RestartBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RestartBackoff(TimeSpan.Zero, TimeSpan.FromSeconds(1), 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => SupervisorStrategy.Default with { MaxRestarts = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => SupervisorStrategy.Default with { Window = TimeSpan.Zero });
    }

    [Fact]
    public void Restart_limit_counts_within_the_window_and_resets_after_it()
    {
        var time = new ManualTimeProvider();
        var strategy = SupervisorStrategy.Default with
        {
            Backoff = new RestartBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), 2.0),
            MaxRestarts = 3,
            Window = TimeSpan.FromMinutes(1),
        };
        var statistics = new RestartStatistics();

        var granted = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(statistics.TryRecordRestart(strategy, time, out var delay));
            granted.Add(delay);
            time.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], granted);
        Assert.False(statistics.TryRecordRestart(strategy, time, out _));

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(statistics.TryRecordRestart(strategy, time, out var afterWindow));
        Assert.Equal(TimeSpan.FromSeconds(1), afterWindow);
    }

    [Fact]
    public void Unlimited_restarts_keep_the_capped_backoff()
    {
        var time = new ManualTimeProvider();
        var strategy = SupervisorStrategy.Default with { MaxRestarts = null };
        var statistics = new RestartStatistics();

        TimeSpan last = default;
        for (var i = 0; i < 100; i++)
        {
            Assert.True(statistics.TryRecordRestart(strategy, time, out last));
        }

        Assert.Equal(RestartBackoff.Default.Max, last);
    }
}
