using System.Threading.Channels;
using NerfEngine.Shared.Fabric.Streams;

namespace NerfEngine.Tests.SharedFabric.Streams;

public sealed class StageTests
{
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Backpressure_holds_the_producer_until_the_consumer_reads()
    {
        var stage = new Stage<int>(new StageOptions("edges", Capacity: 2, OverflowPolicy.Backpressure));
        await stage.WriteAsync(1);
        await stage.WriteAsync(2);

        ValueTask blocked = stage.WriteAsync(3);
        Assert.False(blocked.IsCompleted);
        Assert.False(stage.TryWrite(4));
        Assert.Equal(2, stage.Buffered);

        Assert.True(stage.Reader.TryRead(out int first));
        Assert.Equal(1, first);
        await blocked.AsTask().WaitAsync(SafetyNet);

        Assert.Equal([2, 3], Drain(stage));
        Assert.Equal(new StageMetricsSnapshot(Accepted: 3, Emitted: 3, Dropped: 0), stage.Metrics.Snapshot());
    }

    [Fact]
    public async Task Drop_newest_keeps_the_buffer_and_counts_every_refused_item()
    {
        var stage = new Stage<int>(new StageOptions("ring", Capacity: 4, OverflowPolicy.DropNewest));
        for (int i = 0; i < 10; i++)
        {
            ValueTask write = stage.WriteAsync(i);
            Assert.True(write.IsCompletedSuccessfully); // a drop policy never makes the producer wait
            await write;
        }

        Assert.Equal([0, 1, 2, 3], Drain(stage));
        Assert.Equal(new StageMetricsSnapshot(Accepted: 10, Emitted: 4, Dropped: 6), stage.Metrics.Snapshot());
    }

    [Fact]
    public void Drop_oldest_keeps_the_newest_items_and_counts_every_eviction()
    {
        var stage = new Stage<int>(new StageOptions("live", Capacity: 3, OverflowPolicy.DropOldest));
        for (int i = 0; i < 8; i++)
        {
            Assert.True(stage.TryWrite(i));
        }

        Assert.Equal([5, 6, 7], Drain(stage));
        Assert.Equal(new StageMetricsSnapshot(Accepted: 8, Emitted: 3, Dropped: 5), stage.Metrics.Snapshot());
    }

    [Fact]
    public void Accepted_equals_emitted_plus_dropped_plus_buffered_at_every_step()
    {
        var stage = new Stage<int>(new StageOptions("invariant", Capacity: 5, OverflowPolicy.DropNewest));
        var random = new Random(7);
        for (int step = 0; step < 1_000; step++)
        {
            if (random.Next(3) == 0)
            {
                stage.Reader.TryRead(out _);
            }
            else
            {
                stage.TryWrite(step);
            }

            StageMetricsSnapshot m = stage.Metrics.Snapshot();
            Assert.Equal(m.Accepted, m.Emitted + m.Dropped + stage.Buffered);
        }
    }

    [Fact]
    public async Task Completion_lets_buffered_items_drain_and_then_refuses_writes()
    {
        var stage = new Stage<int>(new StageOptions("edges", Capacity: 4, OverflowPolicy.Backpressure));
        stage.TryWrite(1);
        stage.TryWrite(2);
        Assert.True(stage.TryComplete());

        Assert.False(stage.TryWrite(3));
        await Assert.ThrowsAsync<ChannelClosedException>(() => stage.WriteAsync(4).AsTask());
        Assert.Equal([1, 2], await ReadAllAsync(stage));
        await stage.Completion.WaitAsync(SafetyNet);
        Assert.Equal(2, stage.Metrics.Accepted); // refused writes are not counted
    }

    [Fact]
    public async Task Abort_counts_buffered_items_as_dropped_and_fails_the_consumer_and_a_waiting_producer()
    {
        var stage = new Stage<int>(new StageOptions("edges", Capacity: 2, OverflowPolicy.Backpressure));
        stage.TryWrite(1);
        stage.TryWrite(2);
        ValueTask waitingProducer = stage.WriteAsync(3);
        var reason = new InvalidOperationException("ring lost");

        Assert.True(stage.Abort(reason));

        var producerError = await Assert.ThrowsAsync<ChannelClosedException>(() => waitingProducer.AsTask().WaitAsync(SafetyNet));
        Assert.Same(reason, producerError.InnerException);
        var consumerError = await Assert.ThrowsAsync<InvalidOperationException>(() => ReadAllAsync(stage));
        Assert.Same(reason, consumerError);
        Assert.Equal(new StageMetricsSnapshot(Accepted: 2, Emitted: 0, Dropped: 2), stage.Metrics.Snapshot());
    }

    [Fact]
    public async Task Pump_moves_a_source_into_the_stage_and_completes_it()
    {
        var stage = new Stage<int>(new StageOptions("replay", Capacity: 3, OverflowPolicy.Backpressure));
        Task pump = AsyncEnumerable.Range(0, 20).PumpIntoAsync(stage);

        Assert.Equal(Enumerable.Range(0, 20), await ReadAllAsync(stage));
        await pump.WaitAsync(SafetyNet);
        Assert.Equal(new StageMetricsSnapshot(20, 20, 0), stage.Metrics.Snapshot());
    }

    [Fact]
    public async Task Pump_of_a_failing_source_delivers_what_it_produced_then_the_failure()
    {
        var stage = new Stage<int>(new StageOptions("replay", Capacity: 8, OverflowPolicy.Backpressure));
        _ = FailingAfter(3, new IOException("pcap truncated")).PumpIntoAsync(stage);

        var received = new List<int>();
        var error = await Assert.ThrowsAsync<IOException>(async () =>
        {
            await foreach (int item in stage.Reader.ReadAllAsync())
            {
                received.Add(item);
            }
        });

        Assert.Equal([0, 1, 2], received);
        Assert.Equal("pcap truncated", error.Message);
    }

    [Fact]
    public void Options_without_a_sensible_capacity_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Stage<int>(new StageOptions("x", 0, OverflowPolicy.Backpressure)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Stage<int>(new StageOptions("x", 1, (OverflowPolicy)42)));
    }

    internal static async IAsyncEnumerable<int> FailingAfter(int count, Exception failure)
    {
        for (int i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return i;
        }

        throw failure;
    }

    private static List<int> Drain(Stage<int> stage)
    {
        var items = new List<int>();
        while (stage.Reader.TryRead(out int item))
        {
            items.Add(item);
        }

        return items;
    }

    private static async Task<List<int>> ReadAllAsync(Stage<int> stage)
    {
        var items = new List<int>();
        await foreach (int item in stage.Reader.ReadAllAsync().WithCancellation(new CancellationTokenSource(SafetyNet).Token))
        {
            items.Add(item);
        }

        return items;
    }
}
