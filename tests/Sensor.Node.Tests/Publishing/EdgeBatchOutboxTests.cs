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

    private static OutgoingEdgeBatch Batch(ulong sequence, int edges)
    {
        GraphEdge[] records = [.. Enumerable.Range(0, edges).Select(i => EdgeBatcherTests.Edge(dst: 5, timestamp: 1_000 + i))];
        EdgeBatch batch = EdgeBatch.FromRecords("sensor", sequence, records);
        return new OutgoingEdgeBatch(5, new EdgeBatchMessage("sensor", sequence, Google.Protobuf.MessageExtensions.ToByteArray(batch)), edges, batch.FirstTimestampNs);
    }
}
