using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Capture.Files;

public sealed class ReplayClockTests
{
    private const long Second = 1_000_000_000;
    private const long RecordedStart = 1_700_000_000 * Second;

    [Fact]
    public void Recorded_speed_waits_the_recorded_gap_measured_from_the_first_record()
    {
        var time = new ManualTimeProvider();
        var clock = new ReplayClock(ReplaySpeed.Recorded, time);

        Assert.Equal(TimeSpan.Zero, clock.GetDelay(RecordedStart));
        Assert.Equal(TimeSpan.FromSeconds(2), clock.GetDelay(RecordedStart + 2 * Second));
        time.Advance(TimeSpan.FromMilliseconds(2500)); // processing overran the gap
        Assert.Equal(TimeSpan.FromMilliseconds(500), clock.GetDelay(RecordedStart + 3 * Second));
    }

    [Fact]
    public void Factor_divides_the_recorded_gaps()
    {
        var time = new ManualTimeProvider();
        var doubleSpeed = new ReplayClock(ReplaySpeed.Parse("2x"), time);
        var halfSpeed = new ReplayClock(ReplaySpeed.Parse("0.5x"), time);
        doubleSpeed.GetDelay(RecordedStart);
        halfSpeed.GetDelay(RecordedStart);

        Assert.Equal(TimeSpan.FromSeconds(5), doubleSpeed.GetDelay(RecordedStart + 10 * Second));
        Assert.Equal(TimeSpan.FromSeconds(20), halfSpeed.GetDelay(RecordedStart + 10 * Second));
    }

    [Fact]
    public void Maximum_speed_and_out_of_order_records_are_due_at_once()
    {
        var time = new ManualTimeProvider();
        var max = new ReplayClock(ReplaySpeed.Maximum, time);
        var recorded = new ReplayClock(ReplaySpeed.Recorded, time);
        recorded.GetDelay(RecordedStart);

        Assert.True(max.WaitAsync(RecordedStart + 3600 * Second).IsCompleted);
        Assert.Equal(TimeSpan.Zero, recorded.GetDelay(RecordedStart - Second));
    }

    [Fact]
    public async Task Wait_completes_only_when_the_time_provider_reaches_the_due_time()
    {
        var time = new ManualTimeProvider();
        var clock = new ReplayClock(ReplaySpeed.Recorded, time);
        await clock.WaitAsync(RecordedStart);

        Task wait = clock.WaitAsync(RecordedStart + Second).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await wait.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
