using NerfEngine.Shared.Fabric.Actors.Testing;

namespace NerfEngine.Tests.SharedFabric.Actors;

public sealed class ManualTimeProviderTests
{
    [Fact]
    public void Advancing_fires_due_timers_in_due_order_with_the_clock_at_each_due_time()
    {
        var time = new ManualTimeProvider();
        var start = time.GetUtcNow();
        var fired = new List<(string Name, TimeSpan At)>();
        using var late = time.CreateTimer(_ => fired.Add(("late", time.GetUtcNow() - start)), null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        using var early = time.CreateTimer(_ => fired.Add(("early", time.GetUtcNow() - start)), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var never = time.CreateTimer(_ => fired.Add(("never", time.GetUtcNow() - start)), null, TimeSpan.FromSeconds(9), Timeout.InfiniteTimeSpan);

        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal([("early", TimeSpan.FromSeconds(1)), ("late", TimeSpan.FromSeconds(3))], fired);
        Assert.Equal(TimeSpan.FromSeconds(5), time.GetUtcNow() - start);
        Assert.Equal(1, time.ArmedTimerCount);
    }

    [Fact]
    public void Periodic_timer_fires_once_per_elapsed_period_until_disposed()
    {
        var time = new ManualTimeProvider();
        var count = 0;
        var timer = time.CreateTimer(_ => count++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        time.Advance(TimeSpan.FromSeconds(4.5));
        Assert.Equal(4, count);

        timer.Dispose();
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(4, count);
        Assert.Equal(0, time.ArmedTimerCount);
    }

    [Fact]
    public void Change_rearms_and_infinite_due_time_disarms()
    {
        var time = new ManualTimeProvider();
        var count = 0;
        using var timer = time.CreateTimer(_ => count++, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, count);

        timer.Change(TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, count);
    }

    [Fact]
    public void Elapsed_time_follows_the_manual_clock()
    {
        var time = new ManualTimeProvider();
        var started = time.GetTimestamp();

        time.Advance(TimeSpan.FromMilliseconds(1500));

        Assert.Equal(TimeSpan.FromMilliseconds(1500), time.GetElapsedTime(started));
    }
}
