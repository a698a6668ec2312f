using NerfEngine.Shared.Fabric.Streams;

namespace NerfEngine.Tests.SharedFabric.Streams;

public sealed class RestartSourceTests
{
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(5);

    private static readonly RestartSettings Backoff = new(
        MinBackoff: TimeSpan.FromMilliseconds(100),
        MaxBackoff: TimeSpan.FromMilliseconds(300),
        Factor: 2.0,
        MaxRestarts: 5);

    private readonly ManualClock _clock = new();

    [Fact]
    public async Task A_failing_source_is_restarted_with_exponential_backoff_and_the_restarts_are_counted()
    {
        int attempts = 0;
        var source = RestartSource.OnFailuresWithBackoff(
            "eve-json",
            _ => ++attempts <= 3 ? OneThenFail(attempts * 10, new IOException("tail broke")) : Items(40, 41),
            Backoff,
            _clock);

        Task<List<int>> consumer = CollectAsync(source);
        foreach (int expectedMs in new[] { 100, 200, 300 })
        {
            await _clock.WaitForTimersAsync();
            Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), _clock.ScheduledDelays[^1]);
            Assert.False(consumer.IsCompleted);
            _clock.Advance(TimeSpan.FromMilliseconds(expectedMs));
        }

        Assert.Equal([10, 20, 30, 40, 41], await consumer.WaitAsync(SafetyNet));
        Assert.Equal(3, source.Restarts);
        Assert.IsType<IOException>(source.LastFailure);
        Assert.Equal(4, attempts);
    }

    [Fact]
    public async Task It_gives_up_after_the_restart_limit_with_a_clear_error()
    {
        int attempts = 0;
        var source = RestartSource.OnFailuresWithBackoff(
            "pcap-replay",
            _ => OneThenFail(++attempts, new InvalidDataException($"bad block #{attempts}")),
            Backoff with { MaxRestarts = 2 },
            _clock);

        Task<List<int>> consumer = CollectAsync(source);
        for (int restart = 0; restart < 2; restart++)
        {
            await _clock.WaitForTimersAsync();
            _clock.Advance(_clock.ScheduledDelays[^1]);
        }

        var error = await Assert.ThrowsAsync<RestartLimitExceededException>(() => consumer.WaitAsync(SafetyNet));
        Assert.Equal("pcap-replay", error.SourceName);
        Assert.Equal(2, error.Restarts);
        Assert.Equal("bad block #3", error.InnerException!.Message);
        Assert.Contains("'pcap-replay'", error.Message);
        Assert.Contains("MaxRestarts = 2", error.Message);
        Assert.Contains("bad block #3", error.Message);
        Assert.Equal(2, source.Restarts);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task A_factory_that_throws_is_a_failure_like_any_other()
    {
        int attempts = 0;
        var source = RestartSource.OnFailuresWithBackoff<int>(
            "broker-consumer",
            _ => ++attempts == 1 ? throw new TimeoutException("connect timed out") : Items(1),
            Backoff,
            _clock);

        Task<List<int>> consumer = CollectAsync(source);
        await _clock.WaitForTimersAsync();
        _clock.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal([1], await consumer.WaitAsync(SafetyNet));
        Assert.Equal(1, source.Restarts);
    }

    [Fact]
    public async Task A_run_that_stayed_up_long_enough_resets_the_backoff()
    {
        int attempts = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstOfLongRun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = RestartSource.OnFailuresWithBackoff(
            "af-packet",
            _ => ++attempts switch
            {
                1 => OneThenFail(1, new IOException("ring refused")),
                2 => OneThenFailWhen(2, release.Task, new IOException("ring lost")),
                _ => Items(3),
            },
            Backoff with { ResetAfter = TimeSpan.FromSeconds(10) },
            _clock);

        await using IAsyncEnumerator<int> items = source.GetAsyncEnumerator();
        Assert.True(await items.MoveNextAsync());
        Task<bool> second = items.MoveNextAsync().AsTask();
        await _clock.WaitForTimersAsync();
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(await second.WaitAsync(SafetyNet));
        Assert.Equal(2, items.Current);

        _clock.Advance(TimeSpan.FromSeconds(10)); // the second run is healthy for 10 s, then fails
        Task<bool> third = items.MoveNextAsync().AsTask();
        release.SetResult();
        await _clock.WaitForTimersAsync();
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(await third.WaitAsync(SafetyNet));

        Assert.Equal(3, items.Current);
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100)], _clock.ScheduledDelays);
        Assert.Equal(2, source.Restarts);
    }

    [Fact]
    public async Task Cancelling_during_the_backoff_ends_the_stream_without_counting_a_restart()
    {
        var source = RestartSource.OnFailuresWithBackoff(
            "eve-json", _ => OneThenFail(1, new IOException("tail broke")), Backoff, _clock);
        using var cancellation = new CancellationTokenSource();

        Task<List<int>> consumer = CollectAsync(source, cancellation.Token);
        await _clock.WaitForTimersAsync();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consumer.WaitAsync(SafetyNet));
        Assert.Equal(0, source.Restarts);
    }

    [Fact]
    public async Task A_source_that_completes_is_not_restarted()
    {
        int attempts = 0;
        var source = RestartSource.OnFailuresWithBackoff("file", _ => { attempts++; return Items(1, 2); }, Backoff, _clock);

        Assert.Equal([1, 2], await CollectAsync(source).WaitAsync(SafetyNet));
        Assert.Equal(1, attempts);
        Assert.Equal(0, source.Restarts);
    }

    private static async Task<List<int>> CollectAsync(IAsyncEnumerable<int> source, CancellationToken cancellationToken = default)
    {
        await Task.Yield(); // let the test thread go on to drive the clock
        var items = new List<int>();
        await foreach (int item in source.WithCancellation(cancellationToken))
        {
            items.Add(item);
        }

        return items;
    }

    private static async IAsyncEnumerable<int> Items(params int[] items)
    {
        foreach (int item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }

    private static async IAsyncEnumerable<int> OneThenFail(int item, Exception failure)
    {
        await Task.Yield();
        yield return item;
        throw failure;
    }

    private static async IAsyncEnumerable<int> OneThenFailWhen(int item, Task trigger, Exception failure)
    {
        yield return item;
        await trigger;
        throw failure;
    }
}
