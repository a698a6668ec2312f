using NerfEngine.Shared.Fabric.Streams;

namespace NerfEngine.Tests.SharedFabric.Streams;

public sealed class BackoffScheduleTests
{
    private static readonly RestartSettings Settings = new(
        MinBackoff: TimeSpan.FromMilliseconds(100),
        MaxBackoff: TimeSpan.FromSeconds(1),
        Factor: 2.0);

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(3, 400)]
    [InlineData(4, 800)]
    [InlineData(5, 1000)]
    [InlineData(60, 1000)]
    [InlineData(100_000, 1000)]
    public void Delay_grows_by_the_factor_and_is_capped_at_the_maximum(int restart, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), BackoffSchedule.Delay(Settings, restart, jitter: 0.0));
    }

    [Fact]
    public void Jitter_stretches_the_delay_by_at_most_the_random_factor()
    {
        RestartSettings jittered = Settings with { RandomFactor = 0.2 };
        Assert.Equal(TimeSpan.FromMilliseconds(200), BackoffSchedule.Delay(jittered, 2, jitter: 0.0));
        Assert.Equal(TimeSpan.FromMilliseconds(220), BackoffSchedule.Delay(jittered, 2, jitter: 0.5));
        Assert.Equal(TimeSpan.FromMilliseconds(1200), BackoffSchedule.Delay(jittered, 9, jitter: 1.0));
    }

    [Fact]
    public void Settings_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => (Settings with { MaxBackoff = TimeSpan.FromMilliseconds(50) }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (Settings with { Factor = 0.5 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (Settings with { RandomFactor = 1.5 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (Settings with { MaxRestarts = -1 }).Validate());
    }
}
