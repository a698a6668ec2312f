using NerfEngine.Shared.Fabric.Transport;

namespace NerfEngine.Tests.SharedFabric.Transport;

public sealed class InProcessEdgeTransportTests
{
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(5);

    /// <summary>A node id that the 4-partition transports below route to partition 0.</summary>
    private static readonly ulong KeyOfPartition0 = FindKey(partitions: 4, partition: 0);

    [Fact]
    public async Task A_published_batch_is_confirmed_and_delivered_with_its_headers()
    {
        await using var transport = new InProcessEdgeTransport(new InProcessTransportOptions(PartitionCount: 4));
        var log = new DeliveryLog();
        await using var subscription = await transport.SubscribeAsync([0, 1, 2, 3], log.Handler(d => d.AckAsync()));

        PublishResult result = await transport.PublishAsync(0xCBF29CE484222325UL, Batch("sensor-7", 42, [1, 2, 3]));

        Assert.Equal(PublishResult.Confirmed, result);
        DeliveryLog.Received received = await log.NextAsync();
        Assert.Equal(("sensor-7", 42UL), (received.SensorId, received.BatchSequence));
        Assert.Equal([1, 2, 3], received.Payload);
        Assert.Equal(transport.GetPartition(0xCBF29CE484222325UL), received.Delivery.Partition);
        Assert.False(received.Delivery.Redelivered);
        await WaitForMetricsAsync(transport, received.Delivery.Partition, m => m.Acked == 1);
        Assert.Equal(
            new PartitionMetricsSnapshot(received.Delivery.Partition, Published: 1, Confirmed: 1, Dropped: 0, Delivered: 1,
                Redelivered: 0, Acked: 1, Nacked: 0, DeadLettered: 0, Ready: 0, Unacked: 0),
            transport.GetMetrics(received.Delivery.Partition));
    }

    [Fact]
    public async Task The_payload_is_copied_so_the_publisher_may_reuse_its_buffer_after_the_confirm()
    {
        await using var transport = new InProcessEdgeTransport(new InProcessTransportOptions(PartitionCount: 1));
        byte[] buffer = [9, 9, 9];
        await transport.PublishAsync(1, Batch("sensor-1", 1, buffer));
        buffer.AsSpan().Clear();

        var log = new DeliveryLog();
        await using var subscription = await transport.SubscribeAsync([0], log.Handler(d => d.AckAsync()));

        Assert.Equal([9, 9, 9], (await log.NextAsync()).Payload);
    }

    [Fact]
    public async Task Batches_go_to_the_stable_partition_of_their_key()
    {
        await using var transport = new InProcessEdgeTransport(new InProcessTransportOptions(PartitionCount: 4));
        ulong[] keys = [1, 42, 0xCBF29CE484222325UL, 0xDEADBEEFCAFEBABEUL, 0xFFFFFFFFFFFFFFFFUL, 123456789];
        foreach (ulong key in keys)
        {
            await transport.PublishAsync(key, Batch("sensor-1", key, [1]));
        }

        var log = new DeliveryLog();
        await using var subscription = await transport.SubscribeAsync([0, 1, 2, 3], log.Handler(d => d.AckAsync()));
        List<DeliveryLog.Received> received = await log.NextAsync(keys.Length);

        foreach (DeliveryLog.Received r in received)
        {
            ulong key = r.BatchSequence; // the test stored the key as the sequence
            Assert.Equal(EdgePartitioner.JumpConsistentHash(key, 4), r.Delivery.Partition);
        }
    }

    [Fact]
    public async Task A_nacked_batch_is_redelivered_and_then_acked()
    {
        await using var transport = new InProcessEdgeTransport(new InProcessTransportOptions(PartitionCount: 4));
        var log = new DeliveryLog();
        await using var subscription = await transport.SubscribeAsync(
            [0], log.Handler(d => d.DeliveryCount == 1 ? d.NackAsync(requeue: true) : d.AckAsync()));

        await transport.PublishAsync(KeyOfPartition0, Batch("sensor-1", 5, [7]));

        DeliveryLog.Received first = await log.NextAsync();
        DeliveryLog.Received second = await log.NextAsync();
        Assert.Equal((5UL, 1, false), (first.BatchSequence, first.Delivery.DeliveryCount, first.Delivery.Redelivered));
        Assert.Equal((5UL, 2, true), (second.BatchSequence, second.Delivery.DeliveryCount, second.Delivery.Redelivered));
        await WaitForMetricsAsync(transport, 0, m => m.Acked == 1);
        PartitionMetricsSnapshot metrics = transport.GetMetrics(0);
        Assert.Equal((2L, 1L, 1L, 1L, 0L), (metrics.Delivered, metrics.Redelivered, metrics.Nacked, metrics.Acked, metrics.DeadLettered));
    }

    [Fact]
    public async Task An_acked_batch_is_never_delivered_again()
    {
        await using var transport = new InProcessEdgeTransport(new InProcessTransportOptions(PartitionCount: 4));
        var log = new DeliveryLog();
        await using var subscription = await transport.SubscribeAsync([0], log.Handler(d => d.AckAsync()));
        for (ulong sequence = 1; sequence <= 3; sequence++)
        {
            await transport.PublishAsync(KeyOfPartition0, Batch("sensor-1", sequence, [1]));
        }

        List<DeliveryLog.Received> acked = await log.NextAsync(3);
        // A redelivery would queue before this later batch on the same partition.
        await transport.PublishAsync(KeyOfPartition0, Batch("sensor-1", 99, [1]));
        DeliveryLog.Received sentinel = await log.NextAsync();

        Assert.Equal([1UL, 2UL, 3UL], acked.Select(r => r.BatchSequence));
        Assert.Equal(99UL, sentinel.BatchSequence);
        Assert.Equal(0, transport.GetMetrics(0).Redelivered);
        Assert.Throws<InvalidOperationException>(() => acked[0].Delivery.AckAsync().AsTask().GetAwaiter().GetResult());
    }

    [Fact]
    public async Task A_full_partition_holds_the_publisher_until_a_batch_is_delivered()
    {
        await using var transport = new InProcessEdgeTransport(
            new InProcessTransportOptions(PartitionCount: 4, PartitionCapacity: 2, Overflow: PartitionOverflow.Backpressure));
        Assert.True((await transport.PublishAsync(KeyOfPartition0, Batch("s", 1, [1]))).IsConfirmed);
        Assert.True((await transport.PublishAsync(KeyOfPartition0, Batch("s", 2, [1]))).IsConfirmed);

        ValueTask<PublishResult> held = transport.PublishAsync(KeyOfPartition0, Batch("s", 3, [1]));
        Assert.False(held.IsCompleted);
        Assert.Equal((3L, 2L, 2), (transport.GetMetrics(0).Published, transport.GetMetrics(0).Confirmed, transport.GetMetrics(0).Ready));

        var log = new DeliveryLog();
        await using var subscription = await transport.SubscribeAsync([0], log.Handler(d => d.AckAsync()));

        Assert.Equal(PublishResult.Confirmed, await held.AsTask().WaitAsync(SafetyNet));
        Assert.Equal([1UL, 2UL, 3UL], (await log.NextAsync(3)).Select(r => r.BatchSequence));
        Assert.Equal(0, transport.GetMetrics(0).Dropped);
    }

    [Fact]
    public async Task A_full_partition_that_rejects_publishes_counts_every_drop()
    {
        await using var transport = new InProcessEdgeTransport(
            new InProcessTransportOptions(PartitionCount: 4, PartitionCapacity: 2, Overflow: PartitionOverflow.RejectPublish));

        var results = new List<PublishResult>();
        for (ulong sequence = 1; sequence <= 5; sequence++)
        {
            ValueTask<PublishResult> publish = transport.PublishAsync(KeyOfPartition0, Batch("s", sequence, [1]));
            Assert.True(publish.IsCompleted); // rejecting never waits
            results.Add(await publish);
        }

        Assert.Equal(2, results.Count(r => r.IsConfirmed));
        Assert.All(results.Skip(2), r => Assert.Equal(PublishDropReason.PartitionFull, r.DropReason));
        Assert.Contains("full", results[^1].Detail);
        PartitionMetricsSnapshot metrics = transport.GetMetrics(0);
        Assert.Equal((5L, 2L, 3L, 2), (metrics.Published, metrics.Confirmed, metrics.Dropped, metrics.Ready));
    }

    [Fact]
    public async Task A_batch_nacked_without_requeue_is_dead_lettered_not_redelivered()
    {
        await using var transport = new InProcessEdgeTransport(new InProcessTransportOptions(PartitionCount: 4));
        var log = new DeliveryLog();
        await using var subscription = await transport.SubscribeAsync(
            [0], log.Handler(d => d.Message.BatchSequence == 1 ? d.NackAsync(requeue: false) : d.AckAsync()));

        await transport.PublishAsync(KeyOfPartition0, Batch("s", 1, [1]));
        await transport.PublishAsync(KeyOfPartition0, Batch("s", 2, [1]));

        Assert.Equal([1UL, 2UL], (await log.NextAsync(2)).Select(r => r.BatchSequence));
        await WaitForMetricsAsync(transport, 0, m => m.Acked == 1);
        Assert.Equal((1L, 1L, 0L), (transport.GetMetrics(0).Nacked, transport.GetMetrics(0).DeadLettered, transport.GetMetrics(0).Redelivered));
    }

    [Fact]
    public async Task A_poison_batch_is_dead_lettered_after_the_delivery_limit()
    {
        await using var transport = new InProcessEdgeTransport(new InProcessTransportOptions(PartitionCount: 4, DeliveryLimit: 3));
        var log = new DeliveryLog();
        await using var subscription = await transport.SubscribeAsync([0], log.Handler(d => d.NackAsync(requeue: true)));

        await transport.PublishAsync(KeyOfPartition0, Batch("s", 1, [1]));

        Assert.Equal([1, 2, 3], (await log.NextAsync(3)).Select(r => r.Delivery.DeliveryCount));
        await WaitForMetricsAsync(transport, 0, m => m.DeadLettered == 1);
        Assert.Equal((3L, 2L, 3L, 0, 0), (transport.GetMetrics(0).Delivered, transport.GetMetrics(0).Redelivered, transport.GetMetrics(0).Nacked, transport.GetMetrics(0).Ready, transport.GetMetrics(0).Unacked));
    }

    [Fact]
    public async Task A_handler_that_throws_gets_its_batch_again()
    {
        await using var transport = new InProcessEdgeTransport(new InProcessTransportOptions(PartitionCount: 4));
        var log = new DeliveryLog();
        await using var subscription = await transport.SubscribeAsync(
            [0], log.Handler(d => d.DeliveryCount == 1 ? throw new FormatException("bad batch") : d.AckAsync()));

        await transport.PublishAsync(KeyOfPartition0, Batch("s", 1, [1]));

        Assert.Equal([1, 2], (await log.NextAsync(2)).Select(r => r.Delivery.DeliveryCount));
        Assert.Equal(1, subscription.HandlerFaults);
    }

    [Fact]
    public async Task Ending_a_subscription_requeues_what_it_did_not_settle_for_the_next_consumer()
    {
        await using var transport = new InProcessEdgeTransport(new InProcessTransportOptions(PartitionCount: 4));
        await transport.PublishAsync(KeyOfPartition0, Batch("s", 1, [1]));
        await transport.PublishAsync(KeyOfPartition0, Batch("s", 2, [1]));

        var crashed = new DeliveryLog();
        IEdgeBatchSubscription first = await transport.SubscribeAsync([0], crashed.Handler(settle: null));
        List<DeliveryLog.Received> unsettled = await crashed.NextAsync(2);
        await first.DisposeAsync();

        Assert.Equal((2, 0), (transport.GetMetrics(0).Ready, transport.GetMetrics(0).Unacked));
        Assert.Throws<InvalidOperationException>(() => unsettled[0].Delivery.AckAsync().AsTask().GetAwaiter().GetResult());

        var takeover = new DeliveryLog();
        await using var second = await transport.SubscribeAsync([0], takeover.Handler(d => d.AckAsync()));
        List<DeliveryLog.Received> redelivered = await takeover.NextAsync(2);
        Assert.Equal([1UL, 2UL], redelivered.Select(r => r.BatchSequence));
        Assert.All(redelivered, r => Assert.True(r.Delivery.Redelivered));
    }

    [Fact]
    public async Task Prefetch_bounds_the_unsettled_deliveries_of_a_partition()
    {
        await using var transport = new InProcessEdgeTransport(new InProcessTransportOptions(PartitionCount: 4));
        for (ulong sequence = 1; sequence <= 4; sequence++)
        {
            await transport.PublishAsync(KeyOfPartition0, Batch("s", sequence, [1]));
        }

        int acked = 0;
        var acksSeenAtDelivery = new List<(ulong Sequence, int Acked)>();
        var log = new DeliveryLog();
        EdgeBatchHandler record = log.Handler();
        await using var subscription = await transport.SubscribeAsync(
            [0],
            (delivery, ct) =>
            {
                lock (acksSeenAtDelivery)
                {
                    acksSeenAtDelivery.Add((delivery.Message.BatchSequence, Volatile.Read(ref acked)));
                }

                return record(delivery, ct);
            },
            new SubscriptionOptions(Prefetch: 2));

        var outstanding = new Queue<EdgeBatchDelivery>((await log.NextAsync(2)).Select(r => r.Delivery));
        // The dispatcher waits for a prefetch slot before it takes a batch, so two stay ready.
        Assert.Equal((2, 2), (transport.GetMetrics(0).Ready, transport.GetMetrics(0).Unacked));

        for (int i = 0; i < 2; i++)
        {
            Interlocked.Increment(ref acked);
            await outstanding.Dequeue().AckAsync();
            outstanding.Enqueue((await log.NextAsync()).Delivery);
        }

        // Batch k (1-based) can only be delivered once k − 2 earlier deliveries were settled.
        lock (acksSeenAtDelivery)
        {
            Assert.Equal([1UL, 2UL, 3UL, 4UL], acksSeenAtDelivery.Select(seen => seen.Sequence));
            Assert.All(acksSeenAtDelivery, seen => Assert.True(seen.Acked >= (int)seen.Sequence - 2, $"batch {seen.Sequence} delivered after {seen.Acked} acks"));
        }
    }

    [Fact]
    public async Task A_partition_has_one_active_consumer()
    {
        await using var transport = new InProcessEdgeTransport(new InProcessTransportOptions(PartitionCount: 4));
        await using var first = await transport.SubscribeAsync([0, 1], new DeliveryLog().Handler());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => transport.SubscribeAsync([1, 2], new DeliveryLog().Handler()).AsTask());
        Assert.Contains("Partition 1", error.Message);
        await using var other = await transport.SubscribeAsync([2, 3], new DeliveryLog().Handler()); // nothing was left half-attached
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => transport.SubscribeAsync([4], new DeliveryLog().Handler()).AsTask());
    }

    [Fact]
    public async Task Shutdown_drains_the_subscribers_then_refuses_publishes_with_a_counted_drop()
    {
        var transport = new InProcessEdgeTransport(new InProcessTransportOptions(PartitionCount: 4));
        var log = new DeliveryLog();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await transport.SubscribeAsync([0], log.Handler(async d =>
        {
            await gate.Task;
            await d.AckAsync();
        }));
        for (ulong sequence = 1; sequence <= 3; sequence++)
        {
            await transport.PublishAsync(KeyOfPartition0, Batch("s", sequence, [1]));
        }

        await log.NextAsync();
        Task shutdown = transport.ShutdownAsync().AsTask();
        Assert.False(shutdown.IsCompleted); // waits for the subscriber to finish
        PublishResult late = await transport.PublishAsync(KeyOfPartition0, Batch("s", 4, [1]));
        gate.SetResult();
        await shutdown.WaitAsync(SafetyNet);

        Assert.Equal(PublishDropReason.ShuttingDown, late.DropReason);
        PartitionMetricsSnapshot metrics = transport.GetMetrics(0);
        Assert.Equal((4L, 3L, 1L, 3L, 0, 0), (metrics.Published, metrics.Confirmed, metrics.Dropped, metrics.Acked, metrics.Ready, metrics.Unacked));
    }

    [Fact]
    public async Task Shutdown_releases_a_publisher_held_by_a_full_partition_with_a_counted_drop()
    {
        var transport = new InProcessEdgeTransport(new InProcessTransportOptions(PartitionCount: 4, PartitionCapacity: 1));
        await transport.PublishAsync(KeyOfPartition0, Batch("s", 1, [1]));
        ValueTask<PublishResult> held = transport.PublishAsync(KeyOfPartition0, Batch("s", 2, [1]));
        Assert.False(held.IsCompleted);

        await transport.DisposeAsync();

        Assert.Equal(PublishDropReason.ShuttingDown, (await held.AsTask().WaitAsync(SafetyNet)).DropReason);
        PartitionMetricsSnapshot metrics = transport.GetMetrics(0);
        Assert.Equal((1L, 1L, 1), (metrics.Confirmed, metrics.Dropped, metrics.Ready)); // the unconsumed batch stays visible
    }

    private static EdgeBatchMessage Batch(string sensorId, ulong sequence, byte[] payload) => new(sensorId, sequence, payload);

    private static ulong FindKey(int partitions, int partition)
    {
        for (ulong key = 1; ; key++)
        {
            if (EdgePartitioner.JumpConsistentHash(key, partitions) == partition)
            {
                return key;
            }
        }
    }

    private static async Task WaitForMetricsAsync(InProcessEdgeTransport transport, int partition, Func<PartitionMetricsSnapshot, bool> condition)
    {
        using var timeout = new CancellationTokenSource(SafetyNet);
        while (!condition(transport.GetMetrics(partition)))
        {
            await Task.Delay(1, timeout.Token);
        }
    }
}
