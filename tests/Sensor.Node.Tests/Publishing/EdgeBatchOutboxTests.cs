using System.Diagnostics;
using NerfEngine.Sensor.Publishing;
using NerfEngine.Shared.Fabric.Transport;
using NerfEngine.Shared.Messages.Records;
using NerfEngine.Shared.Messages.Wire;

namespace NerfEngine.Tests.SensorNode.Publishing;

public sealed class EdgeBatchOutboxTests
{
    [Fact]
    public async Task A_full_outbox_drops_the_newest_batches_and_counts_them_without_ever_blocking_the_producer()
    {
        var publisher = new ScriptedPublisher { Hold = true };
        await using var outbox = new EdgeBatchOutbox(publisher, new PublishingOptions { OutboxCapacity = 2 });
        Assert.True(outbox.TryEnqueue(Batch(sequence: 0, edges: 3)));
        await publisher.WaitForPublishesAsync(1); // the loop now holds batch 0 in a stalled publish

        var clock = Stopwatch.StartNew();
        bool[] accepted = [.. Enumerable.Range(1, 5).Select(i => outbox.TryEnqueue(Batch((ulong)i, edges: 10)))];
        clock.Stop();

        Assert.Equal([true, true, false, false, false], accepted);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), "TryEnqueue must return at once while the transport is stalled");
        PublishingStats stalled = outbox.GetStats();
        Assert.Equal(3, stalled.BatchesDropped);
        Assert.Equal(30, stalled.EdgesDropped);
        Assert.Equal(2, stalled.Buffered);

        publisher.Release();
        await outbox.CompleteAsync();
        PublishingStats done = outbox.GetStats();
        Assert.Equal(3, done.BatchesPublished);
        Assert.Equal(23, done.EdgesPublished);
        Assert.Equal(done.BatchesSealed, done.BatchesPublished + done.BatchesDropped);
        Assert.Equal([0ul, 1ul, 2ul], publisher.Published.Select(p => p.Batch.BatchSequence));
    }

    [Fact]
    public async Task Batches_the_transport_refuses_are_counted_as_rejected_with_their_edges()
    {
        var publisher = new ScriptedPublisher { RejectWith = PublishDropReason.PartitionFull };
        await using var outbox = new EdgeBatchOutbox(publisher, new PublishingOptions());
        outbox.TryEnqueue(Batch(0, edges: 4));
        outbox.TryEnqueue(Batch(1, edges: 5));
        await outbox.CompleteAsync();

        PublishingStats stats = outbox.GetStats();
        Assert.Equal(2, stats.BatchesRejected);
        Assert.Equal(9, stats.EdgesRejected);
        Assert.Contains("PartitionFull", stats.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_publish_that_throws_is_counted_and_the_next_batch_is_still_published()
    {
        var publisher = new ScriptedPublisher { Fault = b => b.BatchSequence == 0 ? new IOException("broker gone") : null };
        await using var outbox = new EdgeBatchOutbox(publisher, new PublishingOptions());
        outbox.TryEnqueue(Batch(0, edges: 1));
        outbox.TryEnqueue(Batch(1, edges: 1));
        await outbox.CompleteAsync();

        PublishingStats stats = outbox.GetStats();
        Assert.Equal(1, stats.BatchesFailed);
        Assert.Equal(1, stats.BatchesPublished);
        Assert.Equal("IOException: broker gone", stats.LastError);
    }

    [Fact]
    public async Task Completion_with_a_deadline_abandons_what_a_stalled_transport_never_took_and_counts_it()
    {
        var publisher = new ScriptedPublisher { Hold = true };
        await using var outbox = new EdgeBatchOutbox(publisher, new PublishingOptions());
        outbox.TryEnqueue(Batch(0, edges: 1));
        outbox.TryEnqueue(Batch(1, edges: 1));
        await publisher.WaitForPublishesAsync(1);

        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await outbox.CompleteAsync(deadline.Token);

        PublishingStats stats = outbox.GetStats();
        Assert.Equal(2, stats.BatchesFailed);
        Assert.Equal(0, stats.BatchesPublished);
    }

    [Fact]
    public async Task Batches_sealed_while_the_loop_lingers_are_published_together_once_it_is_over()
    {
        var linger = TimeSpan.FromMilliseconds(400);
        var publisher = new ScriptedPublisher();
        await using var outbox = new EdgeBatchOutbox(publisher, new PublishingOptions { PublishLinger = linger, BatchWindow = TimeSpan.FromSeconds(1) });
        Assert.True(outbox.TryEnqueue(Batch(0, edges: 1)));
        await publisher.WaitForPublishesAsync(1); // the first batch goes at once; the loop then lingers

        for (ulong i = 1; i <= 3; i++)
        {
            Assert.True(outbox.TryEnqueue(Batch(i, edges: 2)));
        }

        await publisher.WaitForPublishesAsync(3);
        TimeSpan[] at = [.. publisher.PublishedAt];
        Assert.True(at[1] - at[0] >= linger - TimeSpan.FromMilliseconds(50), $"batch 1 went {at[1] - at[0]} after batch 0, inside the linger");
        Assert.True(at[3] - at[1] < linger / 2, $"batches 1-3 took {at[3] - at[1]}: not one round");
        Assert.Equal([0ul, 1ul, 2ul, 3ul], publisher.Published.Select(p => p.Batch.BatchSequence));

        await outbox.CompleteAsync();
        PublishingStats stats = outbox.GetStats();
        Assert.Equal(4, stats.BatchesPublished);
        Assert.Equal(7, stats.EdgesPublished);
    }

    [Fact]
    public async Task A_buffer_filling_to_half_ends_the_linger_at_once()
    {
        var publisher = new ScriptedPublisher();
        await using var outbox = new EdgeBatchOutbox(
            publisher, new PublishingOptions { PublishLinger = TimeSpan.FromSeconds(30), BatchWindow = TimeSpan.FromSeconds(30), OutboxCapacity = 4 });
        Assert.True(outbox.TryEnqueue(Batch(0, edges: 1)));
        await publisher.WaitForPublishesAsync(1); // published at once; the loop now lingers for 30 s

        var clock = Stopwatch.StartNew();
        Assert.True(outbox.TryEnqueue(Batch(1, edges: 1)));
        Assert.True(outbox.TryEnqueue(Batch(2, edges: 1))); // two of four: half full
        await publisher.WaitForPublishesAsync(2);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the half-full buffer waited {clock.Elapsed} for the linger to end");
        Assert.Equal([0ul, 1ul, 2ul], publisher.Published.Select(p => p.Batch.BatchSequence));
        Assert.Equal(0, outbox.GetStats().BatchesDropped);
    }

    [Fact]
    public async Task Without_a_linger_each_batch_is_published_as_soon_as_it_is_sealed()
    {
        var publisher = new ScriptedPublisher();
        await using var outbox = new EdgeBatchOutbox(publisher, new PublishingOptions { PublishLinger = TimeSpan.Zero });
        for (ulong i = 0; i < 3; i++)
        {
            Assert.True(outbox.TryEnqueue(Batch(i, edges: 1)));
            await publisher.WaitForPublishesAsync(1);
        }

        await outbox.CompleteAsync();
        Assert.Equal(3, outbox.GetStats().BatchesPublished);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(51)]
    public void A_linger_below_zero_or_past_the_batch_window_is_refused_at_start(int milliseconds)
    {
        var options = new PublishingOptions { PublishLinger = TimeSpan.FromMilliseconds(milliseconds) };
        var refused = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(nameof(PublishingOptions.PublishLinger), refused.ParamName);
    }

    private static OutgoingEdgeBatch Batch(ulong sequence, int edges)
    {
        GraphEdge[] records = [.. Enumerable.Range(0, edges).Select(i => EdgeBatcherTests.Edge(dst: 5, timestamp: 1_000 + i))];
        EdgeBatch batch = EdgeBatch.FromRecords("sensor", sequence, records);
        return new OutgoingEdgeBatch(5, new EdgeBatchMessage("sensor", sequence, Google.Protobuf.MessageExtensions.ToByteArray(batch)), edges, batch.FirstTimestampNs);
    }
}
