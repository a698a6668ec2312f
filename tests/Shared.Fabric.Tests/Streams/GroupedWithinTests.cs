using NerfEngine.Shared.Fabric.Streams;

namespace NerfEngine.Tests.SharedFabric.Streams;

public sealed class GroupedWithinTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(5);

    private readonly ManualClock _clock = new();

    [Fact]
    public async Task Emits_a_batch_as_soon_as_count_items_are_collected()
    {
        Stage<int> stage = StageWith(Enumerable.Range(0, 10));
        using var grouper = new GroupedWithinReader<int>(stage.Reader, maxCount: 4, Window, _clock);
        int[] buffer = new int[4];

        ValueTask<int> first = grouper.ReadBatchAsync(buffer);
        Assert.True(first.IsCompletedSuccessfully); // no time passed, no timer involved
        Assert.Equal(4, await first);
        Assert.Equal([0, 1, 2, 3], buffer);
        Assert.Equal(4, await grouper.ReadBatchAsync(buffer));
        Assert.Equal([4, 5, 6, 7], buffer);
        Assert.Empty(_clock.ScheduledDelays);
    }

    [Fact]
    public async Task Emits_a_partial_batch_when_the_window_has_passed_since_its_first_item()
    {
        Stage<int> stage = StageWith([1, 2, 3]);
        using var grouper = new GroupedWithinReader<int>(stage.Reader, maxCount: 10, Window, _clock);
        int[] buffer = new int[10];

        Task<int> batch = grouper.ReadBatchAsync(buffer).AsTask();
        await _clock.WaitForTimersAsync();
        _clock.Advance(Window - TimeSpan.FromMilliseconds(1));
        Assert.False(batch.IsCompleted);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(3, await batch.WaitAsync(SafetyNet));
        Assert.Equal([1, 2, 3], buffer[..3]);
        Assert.Equal([Window], _clock.ScheduledDelays);
    }

    [Fact]
    public async Task The_window_runs_from_the_first_item_not_from_the_latest()
    {
        var stage = new Stage<int>(new StageOptions("edges", 16, OverflowPolicy.Backpressure));
        using var grouper = new GroupedWithinReader<int>(stage.Reader, maxCount: 10, Window, _clock);
        int[] buffer = new int[10];

        Task<int> batch = grouper.ReadBatchAsync(buffer).AsTask();
        _clock.Advance(TimeSpan.FromHours(1)); // idle before the first item: no batch is open
        Assert.Empty(_clock.ScheduledDelays);

        stage.TryWrite(1);
        await _clock.WaitForTimersAsync();
        _clock.Advance(TimeSpan.FromMilliseconds(30));
        stage.TryWrite(2);
        await WaitUntilAsync(() => stage.Metrics.Emitted == 2);
        _clock.Advance(TimeSpan.FromMilliseconds(20));

        Assert.Equal(2, await batch.WaitAsync(SafetyNet));
        Assert.Equal([1, 2], buffer[..2]);
        Assert.Equal([Window], _clock.ScheduledDelays); // armed once, not re-armed by the second item
    }

    [Fact]
    public async Task Each_batch_gets_a_fresh_window()
    {
        var stage = new Stage<int>(new StageOptions("edges", 16, OverflowPolicy.Backpressure));
        using var grouper = new GroupedWithinReader<int>(stage.Reader, maxCount: 10, Window, _clock);
        int[] buffer = new int[10];

        for (int round = 1; round <= 3; round++)
        {
            stage.TryWrite(round);
            Task<int> batch = grouper.ReadBatchAsync(buffer).AsTask();
            await _clock.WaitForTimersAsync();
            _clock.Advance(Window);
            Assert.Equal(1, await batch.WaitAsync(SafetyNet));
            Assert.Equal(round, buffer[0]);
        }

        Assert.Equal([Window, Window, Window], _clock.ScheduledDelays);
    }

    [Fact]
    public async Task Never_emits_an_empty_batch_and_flushes_the_remainder_on_completion()
    {
        var stage = new Stage<int>(new StageOptions("edges", 16, OverflowPolicy.Backpressure));
        using var grouper = new GroupedWithinReader<int>(stage.Reader, maxCount: 4, Window, _clock);
        int[] buffer = new int[4];

        Task<int> idle = grouper.ReadBatchAsync(buffer).AsTask();
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.False(idle.IsCompleted);

        foreach (int i in new[] { 7, 8, 9, 10, 11, 12 })
        {
            stage.TryWrite(i);
        }

        Assert.Equal(4, await idle.WaitAsync(SafetyNet));
        Task<int> remainder = grouper.ReadBatchAsync(buffer).AsTask();
        await _clock.WaitForTimersAsync(); // two items held, waiting for more within the window
        Assert.False(remainder.IsCompleted);

        stage.TryComplete();
        Assert.Equal(2, await remainder.WaitAsync(SafetyNet));
        Assert.Equal([11, 12], buffer[..2]);
        Assert.Equal(0, await grouper.ReadBatchAsync(buffer));
    }

    [Fact]
    public async Task A_failed_channel_first_flushes_what_was_collected_then_fails()
    {
        Stage<int> stage = StageWith([1, 2]);
        using var grouper = new GroupedWithinReader<int>(stage.Reader, maxCount: 10, Window, _clock);
        int[] buffer = new int[10];

        Task<int> batch = grouper.ReadBatchAsync(buffer).AsTask();
        await _clock.WaitForTimersAsync();
        stage.TryComplete(new IOException("capture failed"));

        Assert.Equal(2, await batch.WaitAsync(SafetyNet));
        await Assert.ThrowsAsync<IOException>(() => grouper.ReadBatchAsync(buffer).AsTask());
    }

    [Fact]
    public async Task Cancelling_mid_batch_flushes_the_collected_items_then_the_next_read_is_cancelled()
    {
        Stage<int> stage = StageWith([1, 2, 3]);
        using var grouper = new GroupedWithinReader<int>(stage.Reader, maxCount: 10, Window, _clock);
        using var cancellation = new CancellationTokenSource();
        int[] buffer = new int[10];

        Task<int> batch = grouper.ReadBatchAsync(buffer, cancellation.Token).AsTask();
        await _clock.WaitForTimersAsync();
        await cancellation.CancelAsync();

        Assert.Equal(3, await batch.WaitAsync(SafetyNet)); // nothing taken from the channel is lost
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => grouper.ReadBatchAsync(buffer, cancellation.Token).AsTask());
    }

    [Fact]
    public async Task A_caller_buffer_smaller_than_the_batch_size_caps_the_batch()
    {
        Stage<int> stage = StageWith(Enumerable.Range(0, 5));
        using var grouper = new GroupedWithinReader<int>(stage.Reader, maxCount: 100, Window, _clock);

        Assert.Equal(3, await grouper.ReadBatchAsync(new int[3]));
    }

    [Fact]
    public async Task Pooled_batches_cover_every_item_in_order_and_flush_the_tail()
    {
        Stage<int> stage = StageWith(Enumerable.Range(0, 10));
        stage.TryComplete();

        var batches = new List<int[]>();
        await foreach (PooledBatch<int> batch in stage.Reader.GroupedWithin(4, Window, _clock))
        {
            using (batch)
            {
                batches.Add(batch.Span.ToArray());
            }
        }

        Assert.Equal([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]], batches);
    }

    [Fact]
    public async Task A_pooled_batch_returns_its_array_once_and_is_unusable_afterwards()
    {
        Stage<int> stage = StageWith([1]);
        stage.TryComplete();
        await using IAsyncEnumerator<PooledBatch<int>> batches = stage.Reader.GroupedWithin(4, Window, _clock).GetAsyncEnumerator();
        Assert.True(await batches.MoveNextAsync());
        PooledBatch<int> batch = batches.Current;
        Assert.Equal(1, batch.Count);
        Assert.Equal(1, batch.Segment.Count);

        batch.Dispose();
        batch.Dispose();

        Assert.Throws<ObjectDisposedException>(() => batch.Memory);
    }

    [Fact]
    public async Task A_source_grouped_through_a_backpressured_stage_loses_nothing()
    {
        Stage<EdgeRecord>? stage = null;
        var seen = new List<ulong>();
        int batchCount = 0;
        await foreach (PooledBatch<EdgeRecord> batch in Edges(10_000).GroupedWithin(
            maxCount: 4096, Window, new StageOptions("edges", 1024, OverflowPolicy.Backpressure), _clock, s => stage = s))
        {
            using (batch)
            {
                Assert.InRange(batch.Count, 1, 4096);
                foreach (EdgeRecord edge in batch.Span)
                {
                    seen.Add(edge.Source);
                }

                batchCount++;
            }
        }

        // With a manual clock no window ever closes, so batches close by count, then the tail flushes.
        Assert.Equal(3, batchCount);
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => (ulong)i), seen);
        Assert.Equal(new StageMetricsSnapshot(10_000, 10_000, 0), stage!.Metrics.Snapshot());
    }

    [Fact]
    public void Nonsensical_settings_are_refused()
    {
        var stage = new Stage<int>(new StageOptions("edges", 1, OverflowPolicy.Backpressure));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroupedWithinReader<int>(stage.Reader, 0, Window, _clock));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroupedWithinReader<int>(stage.Reader, 1, TimeSpan.Zero, _clock));
    }

    private static Stage<int> StageWith(IEnumerable<int> items)
    {
        var stage = new Stage<int>(new StageOptions("edges", 64, OverflowPolicy.Backpressure));
        foreach (int item in items)
        {
            Assert.True(stage.TryWrite(item));
        }

        return stage;
    }

    private static async IAsyncEnumerable<EdgeRecord> Edges(int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (i % 1000 == 0)
            {
                await Task.Yield();
            }

            yield return new EdgeRecord((ulong)i, (ulong)i + 1, 1, 64, 0, 0, 0);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(SafetyNet);
        while (!condition())
        {
            await Task.Delay(1, timeout.Token);
        }
    }

    /// <summary>A 56-byte record shaped like GraphEdge, to batch the way the sensor will.</summary>
    private readonly record struct EdgeRecord(ulong Source, ulong Destination, ulong Packets, ulong Bytes, ulong FirstNs, ulong LastNs, ulong EdgeHash);
}
