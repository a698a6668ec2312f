using System.Diagnostics;
using NerfEngine.Shared.Fabric.Transport;
using NerfEngine.Shared.Fabric.Transport.RabbitMq;

namespace NerfEngine.Tests.SharedFabric.Transport.RabbitMq;

/// <summary>The RabbitMQ transport against a real local rabbitmq-server (scripts/setup-rabbitmq.sh).</summary>
public sealed class RabbitMqEdgeTransportTests
{
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_published_batch_is_confirmed_and_delivered_with_its_headers()
    {
        await using var broker = new RabbitMqTestBroker();
        RabbitMqEdgeTransport transport = await broker.ConnectAsync();
        var log = new DeliveryLog();
        await using var subscription = await transport.SubscribeAsync([0, 1, 2, 3], log.Handler(d => d.AckAsync()));

        byte[] payload = [1, 2, 3];
        PublishResult result = await transport.PublishAsync(0xCBF29CE484222325UL, new EdgeBatchMessage("sensor-7", 0xFFFF_FFFF_FFFF_FFF0UL, payload));
        payload.AsSpan().Clear(); // confirmed: the caller may reuse its buffer

        Assert.Equal(PublishResult.Confirmed, result);
        DeliveryLog.Received received = await log.NextAsync();
        Assert.Equal(("sensor-7", 0xFFFF_FFFF_FFFF_FFF0UL), (received.SensorId, received.BatchSequence));
        Assert.Equal([1, 2, 3], received.Payload);
        Assert.Equal(EdgePartitioner.JumpConsistentHash(0xCBF29CE484222325UL, 4), received.Delivery.Partition);
        Assert.Equal((1, false), (received.Delivery.DeliveryCount, received.Delivery.Redelivered));
        await WaitForAsync(() => transport.GetMetrics(received.Delivery.Partition).Acked == 1);
        PartitionMetricsSnapshot metrics = transport.GetMetrics(received.Delivery.Partition);
        Assert.Equal((1L, 1L, 0L, 1L, 0), (metrics.Published, metrics.Confirmed, metrics.Dropped, metrics.Delivered, metrics.Unacked));
    }

    [Fact]
    public async Task Each_partition_stays_in_order_to_its_one_consumer_with_two_consumers()
    {
        await using var broker = new RabbitMqTestBroker(partitionCount: 4);
        RabbitMqEdgeTransport transport = await broker.ConnectAsync();
        var left = new DeliveryLog();
        var right = new DeliveryLog();
        await using var first = await transport.SubscribeAsync([0, 1], left.Handler(d => d.AckAsync()));
        await using var second = await transport.SubscribeAsync([2, 3], right.Handler(d => d.AckAsync()));
        await Assert.ThrowsAsync<InvalidOperationException>(() => transport.SubscribeAsync([1], new DeliveryLog().Handler()).AsTask());

        // 50 sequences per key over 8 keys, published concurrently per key.
        ulong[] keys = [1, 2, 3, 4, 5, 6, 7, 8];
        await Task.WhenAll(keys.Select(async key =>
        {
            for (ulong n = 0; n < 50; n++)
            {
                Assert.True((await transport.PublishAsync(key, new EdgeBatchMessage($"k{key}", n, new[] { (byte)key }))).IsConfirmed);
            }
        }));

        List<DeliveryLog.Received> fromLeft = await left.NextAsync(CountFor(keys, [0, 1]));
        List<DeliveryLog.Received> fromRight = await right.NextAsync(CountFor(keys, [2, 3]));
        Assert.All(fromLeft, r => Assert.InRange(r.Delivery.Partition, 0, 1));
        Assert.All(fromRight, r => Assert.InRange(r.Delivery.Partition, 2, 3));
        List<DeliveryLog.Received> all = [.. fromLeft, .. fromRight];
        Assert.Equal(400, all.Count);
        foreach (IGrouping<string, DeliveryLog.Received> perKey in all.GroupBy(r => r.SensorId))
        {
            ulong key = ulong.Parse(perKey.Key[1..]);
            Assert.All(perKey, r => Assert.Equal(EdgePartitioner.JumpConsistentHash(key, 4), r.Delivery.Partition));
            Assert.Equal(Enumerable.Range(0, 50).Select(i => (ulong)i), perKey.Select(r => r.BatchSequence)); // in order
        }
    }

    [Fact]
    public async Task A_handler_failure_is_redelivered_and_counted()
    {
        await using var broker = new RabbitMqTestBroker(partitionCount: 1);
        RabbitMqEdgeTransport transport = await broker.ConnectAsync();
        var log = new DeliveryLog();
        await using var subscription = await transport.SubscribeAsync(
            [0], log.Handler(d => d.DeliveryCount == 1 ? throw new FormatException("bad batch") : d.AckAsync()));

        await transport.PublishAsync(1, new EdgeBatchMessage("s", 1, new byte[] { 1 }));
        await transport.PublishAsync(1, new EdgeBatchMessage("s", 2, new byte[] { 1 }));

        List<DeliveryLog.Received> received = await log.NextAsync(4);
        Assert.Equal(2, received.Count(r => r.Delivery.Redelivered));
        Assert.All(received.Where(r => r.Delivery.Redelivered), r => Assert.Equal(2, r.Delivery.DeliveryCount));
        await WaitForAsync(() => transport.GetMetrics(0).Acked == 2);
        PartitionMetricsSnapshot metrics = transport.GetMetrics(0);
        Assert.Equal((4L, 2L, 2L, 2L), (metrics.Delivered, metrics.Redelivered, metrics.Nacked, metrics.Acked));
        Assert.Equal(2, subscription.HandlerFaults);
    }

    [Fact]
    public async Task Publishes_in_flight_never_exceed_the_bound_and_a_rejecting_transport_counts_its_drops()
    {
        await using var broker = new RabbitMqTestBroker(partitionCount: 2);
        broker.Options.MaxPublishesInFlight = 4;
        RabbitMqEdgeTransport transport = await broker.ConnectAsync();

        int maxSeen = 0;
        using var sampling = new CancellationTokenSource();
        Task sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                int now = transport.PublishesInFlight;
                if (now > maxSeen) maxSeen = now;
                await Task.Yield();
            }
        });
        PublishResult[] held = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            transport.PublishAsync((ulong)i, new EdgeBatchMessage("s", (ulong)i, new byte[1024])).AsTask()));
        await sampling.CancelAsync();
        await sampler;

        Assert.All(held, r => Assert.True(r.IsConfirmed));
        Assert.InRange(maxSeen, 1, 4);

        // The same bound with RejectPublish: past 4 in flight a publish drops at once, counted.
        await using var rejecting = new RabbitMqTestBroker(partitionCount: 1);
        rejecting.Options.MaxPublishesInFlight = 4;
        rejecting.Options.Overflow = PartitionOverflow.RejectPublish;
        RabbitMqEdgeTransport dropping = await rejecting.ConnectAsync();
        PublishResult[] results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i =>
            dropping.PublishAsync(1, new EdgeBatchMessage("s", (ulong)i, new byte[1024])).AsTask()));
        int dropped = results.Count(r => r.DropReason == PublishDropReason.ConfirmWindowFull);
        Assert.True(dropped > 0, "64 concurrent publishes against a window of 4 drop some");
        PartitionMetricsSnapshot metrics = dropping.GetMetrics(0);
        Assert.Equal((64L, 64L - dropped, (long)dropped), (metrics.Published, metrics.Confirmed, metrics.Dropped));
    }

    [Fact]
    public async Task Prefetch_bounds_the_unsettled_deliveries_of_a_partition()
    {
        await using var broker = new RabbitMqTestBroker(partitionCount: 1);
        RabbitMqEdgeTransport transport = await broker.ConnectAsync();
        for (ulong n = 1; n <= 5; n++)
        {
            await transport.PublishAsync(1, new EdgeBatchMessage("s", n, new byte[] { 1 }));
        }

        var log = new DeliveryLog();
        await using var subscription = await transport.SubscribeAsync([0], log.Handler(settle: null), new SubscriptionOptions(Prefetch: 2));
        List<DeliveryLog.Received> firstTwo = await log.NextAsync(2);
        await Task.Delay(300);
        Assert.False(log.TryNext(out _)); // the broker holds the rest until one is settled
        Assert.Equal(2, transport.GetMetrics(0).Unacked);

        await firstTwo[0].Delivery.AckAsync();
        Assert.Equal(3UL, (await log.NextAsync()).BatchSequence);
    }

    [Fact]
    public async Task An_unreachable_broker_is_a_clear_error_naming_the_setting()
    {
        var options = new RabbitMqTransportOptions { Uri = "amqp://guest:secret@127.0.0.1:1/", ConnectTimeout = TimeSpan.FromSeconds(3) };
        var error = await Assert.ThrowsAsync<EdgeTransportConnectionException>(() => RabbitMqEdgeTransport.ConnectAsync(options));
        Assert.Contains("Cannot reach the RabbitMQ broker at amqp://guest@127.0.0.1:1/", error.Message);
        Assert.Contains("Transport:RabbitMq:Uri", error.Message);
        Assert.DoesNotContain("secret", error.Message);
        Assert.Equal("Transport:RabbitMq:Uri", error.Setting);
    }

    [Fact]
    public async Task Bad_credentials_are_a_clear_error_naming_the_setting()
    {
        var builder = new UriBuilder(RabbitMqTestBroker.Uri) { UserName = "nerf-nobody", Password = "wrong" };
        var options = new RabbitMqTransportOptions { Uri = builder.Uri.ToString(), ConnectTimeout = TimeSpan.FromSeconds(5) };
        var error = await Assert.ThrowsAsync<EdgeTransportConnectionException>(() => RabbitMqEdgeTransport.ConnectAsync(options));
        Assert.Contains("refused the user name or password", error.Message);
        Assert.Contains("Transport:RabbitMq:Uri", error.Message);
        Assert.DoesNotContain("wrong", error.Message);
    }

    [Fact]
    public async Task Declaring_the_topology_twice_is_harmless_and_confirmed_batches_survive_a_new_connection()
    {
        await using var broker = new RabbitMqTestBroker(partitionCount: 2);
        RabbitMqEdgeTransport first = await broker.ConnectAsync();
        Assert.True((await first.PublishAsync(1, new EdgeBatchMessage("s", 1, new byte[] { 1 }))).IsConfirmed);
        await first.DisposeAsync();

        RabbitMqEdgeTransport second = await broker.ConnectAsync(); // declares the same topology again
        await second.RefreshReadyAsync();
        Assert.Equal(1, second.GetMetrics(second.GetPartition(1)).Ready);
        var log = new DeliveryLog();
        await using var subscription = await second.SubscribeAsync([0, 1], log.Handler(d => d.AckAsync()));
        Assert.Equal(1UL, (await log.NextAsync()).BatchSequence);
    }

    [Fact]
    public async Task A_killed_broker_connection_recovers_without_losing_confirmed_batches()
    {
        await using var broker = new RabbitMqTestBroker(partitionCount: 2);
        RabbitMqEdgeTransport transport = await broker.ConnectAsync();
        var seen = new HashSet<ulong>();
        var log = new DeliveryLog();
        await using var subscription = await transport.SubscribeAsync([0, 1], log.Handler(d => d.AckAsync()));

        var confirmed = new List<ulong>();
        for (ulong n = 0; n < 20; n++)
        {
            if ((await transport.PublishAsync(n, new EdgeBatchMessage("s", n, new byte[] { 1 }))).IsConfirmed) confirmed.Add(n);
        }

        await RabbitMqTestBroker.RabbitMqCtlAsync("close_all_connections", "test: kill");
        await WaitForAsync(() => transport.ConnectionRecoveries >= 1);
        for (ulong n = 20; n < 40; n++)
        {
            if ((await transport.PublishAsync(n, new EdgeBatchMessage("s", n, new byte[] { 1 }))).IsConfirmed) confirmed.Add(n);
        }

        Assert.Equal(40, confirmed.Count);
        using var timeout = new CancellationTokenSource(SafetyNet);
        while (!confirmed.All(seen.Contains))
        {
            seen.Add((await log.NextAsync()).BatchSequence); // redeliveries of unsettled ones may repeat: consumers de-duplicate
        }

        Assert.True(transport.ConnectionLosses >= 1);
    }

    [Fact]
    public async Task A_publish_channel_closed_by_a_deleted_exchange_is_reopened_and_the_topology_declared_again()
    {
        await using var broker = new RabbitMqTestBroker(partitionCount: 2);
        RabbitMqEdgeTransport transport = await broker.ConnectAsync();
        var log = new DeliveryLog();
        await using var subscription = await transport.SubscribeAsync([0, 1], log.Handler(d => d.AckAsync()));
        Assert.Equal(PublishResult.Confirmed, await transport.PublishAsync(0, new EdgeBatchMessage("s", 0, new byte[] { 1 })));
        Assert.Equal(0UL, (await log.NextAsync()).BatchSequence);

        await broker.DeleteExchangeAsync(); // the next publish hits 404 NOT_FOUND: the broker closes the publish channel

        var elapsed = Stopwatch.StartNew();
        for (ulong n = 1; n <= 10; n++)
        {
            Assert.Equal(PublishResult.Confirmed, await transport.PublishAsync(n, new EdgeBatchMessage("s", n, new byte[] { 1 })));
        }

        Assert.True(elapsed.Elapsed < broker.Options.PublishTimeout / 2, $"publishing took {elapsed.Elapsed}");
        var seen = new HashSet<ulong>();
        while (seen.Count < 10)
        {
            seen.Add((await log.NextAsync()).BatchSequence);
        }

        Assert.Equal(Enumerable.Range(1, 10).Select(n => (ulong)n), seen.Order());
        Assert.Equal(1, transport.PublishChannelRecoveries);
        Assert.Equal(0, transport.ConnectionLosses); // the connection never went down
        Assert.Equal(0, transport.GetMetrics(0).Dropped + transport.GetMetrics(1).Dropped);
    }

    [Fact]
    public async Task A_batch_over_the_broker_max_message_size_drops_at_once_with_its_reason_and_later_batches_go_through()
    {
        await using var broker = new RabbitMqTestBroker(partitionCount: 1);
        // The broker reads max_message_size when a channel opens: lower it only while the transport opens its channel,
        // and only to 1 MiB, above any edge batch (4096 × 56-byte edges plus node records), so transports of other tests
        // running at the same time against this broker are not affected.
        string original = (await RabbitMqTestBroker.RabbitMqCtlAsync("eval", "{ok, V} = application:get_env(rabbit, max_message_size), V.")).Trim();
        RabbitMqEdgeTransport transport;
        await RabbitMqTestBroker.RabbitMqCtlAsync("eval", "application:set_env(rabbit, max_message_size, 1048576).");
        try
        {
            transport = await broker.ConnectAsync();
        }
        finally
        {
            await RabbitMqTestBroker.RabbitMqCtlAsync("eval", $"application:set_env(rabbit, max_message_size, {original}).");
        }

        var log = new DeliveryLog();
        await using var subscription = await transport.SubscribeAsync([0], log.Handler(d => d.AckAsync()));

        var elapsed = Stopwatch.StartNew();
        PublishResult tooLarge = await transport.PublishAsync(1, new EdgeBatchMessage("s", 1, new byte[2_000_000]));
        Assert.Equal(PublishDropReason.MessageTooLarge, tooLarge.DropReason);
        Assert.True(elapsed.Elapsed < broker.Options.PublishTimeout / 4, $"the drop took {elapsed.Elapsed}");
        Assert.Equal(1, transport.DroppedTooLarge);

        Assert.Equal(PublishResult.Confirmed, await transport.PublishAsync(1, new EdgeBatchMessage("s", 2, new byte[] { 1 })));
        Assert.Equal(2UL, (await log.NextAsync()).BatchSequence);
        Assert.Equal(1, transport.PublishChannelRecoveries);
        PartitionMetricsSnapshot metrics = transport.GetMetrics(0);
        Assert.Equal((2L, 1L, 1L), (metrics.Published, metrics.Confirmed, metrics.Dropped));
    }

    private static int CountFor(ulong[] keys, int[] partitions) => keys.Count(k => partitions.Contains(EdgePartitioner.JumpConsistentHash(k, 4))) * 50;

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(SafetyNet);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}

