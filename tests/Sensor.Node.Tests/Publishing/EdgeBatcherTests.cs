using NerfEngine.Sensor.Publishing;
using NerfEngine.Shared.Messages.Records;
using NerfEngine.Shared.Messages.Wire;

namespace NerfEngine.Tests.SensorNode.Publishing;

public sealed class EdgeBatcherTests
{
    private const long Ms = 1_000_000;
    private const long T0 = 1_700_000_000_000_000_000;

    [Fact]
    public async Task A_batch_is_sealed_as_soon_as_it_holds_the_maximum_number_of_edges()
    {
        var publisher = new ScriptedPublisher();
        await using var outbox = new EdgeBatchOutbox(publisher, new PublishingOptions());
        var batcher = new EdgeBatcher(new PublishingOptions { MaxEdgesPerBatch = 10 }, outbox);
        batcher.Advance(T0);
        for (int i = 0; i < 25; i++)
        {
            batcher.Add(Edge(dst: 7, timestamp: T0 + i));
        }

        Assert.Equal(2, batcher.SealedBySize);
        batcher.Flush();
        await outbox.CompleteAsync();

        EdgeBatch[] batches = publisher.Published.Select(p => p.Batch).ToArray();
        Assert.Equal([10u, 10u, 5u], batches.Select(b => b.EdgeCount));
        Assert.Equal([0ul, 1ul, 2ul], batches.Select(b => b.BatchSequence));
        Assert.All(batches, b => Assert.Equal(PublishingOptions.DefaultSensorName, b.SensorId));
        Assert.Equal((ulong)T0 + 10, batches[1].FirstTimestampNs);
        Assert.Equal((ulong)T0 + 19, batches[1].LastTimestampNs);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => (ulong)(T0 + i)), batches.SelectMany(b => b.ReadEdges()).Select(e => e.TimestampNs));
        Assert.Equal(new PublishingStats(3, 3, 25, 0, 0, 0, 0, 0, 0, null), outbox.GetStats());
    }

    [Fact]
    public async Task A_batch_is_sealed_when_the_window_has_passed_since_its_first_edge_on_the_callers_clock()
    {
        var publisher = new ScriptedPublisher();
        await using var outbox = new EdgeBatchOutbox(publisher, new PublishingOptions());
        var batcher = new EdgeBatcher(new PublishingOptions { BatchWindow = TimeSpan.FromMilliseconds(50) }, outbox);
        batcher.Advance(T0);
        batcher.Add(Edge(dst: 1, timestamp: T0));
        batcher.Advance(T0 + 30 * Ms);
        batcher.Add(Edge(dst: 1, timestamp: T0 + 30 * Ms));
        batcher.Advance(T0 + 49 * Ms);
        Assert.Equal(0, batcher.SealedByTime);

        batcher.Advance(T0 + 50 * Ms);

        Assert.Equal(1, batcher.SealedByTime);
        await outbox.CompleteAsync();
        Assert.Equal(2u, Assert.Single(publisher.Published).Batch.EdgeCount);
    }

    [Fact]
    public async Task Edges_are_grouped_by_the_transport_partition_of_their_destination()
    {
        var publisher = new ScriptedPublisher(partitionCount: 4);
        await using var outbox = new EdgeBatchOutbox(publisher, new PublishingOptions());
        var batcher = new EdgeBatcher(new PublishingOptions(), outbox);
        batcher.Advance(T0);
        for (ulong node = 1; node <= 200; node++)
        {
            batcher.Add(Edge(dst: node * 0x9E3779B97F4A7C15UL, timestamp: T0));
        }

        batcher.Flush();
        await outbox.CompleteAsync();

        Assert.True(publisher.Published.Count > 1);
        foreach ((ulong key, EdgeBatch batch) in publisher.Published)
        {
            int partition = publisher.GetPartition(key);
            Assert.All(batch.ReadEdges(), e => Assert.Equal(partition, publisher.GetPartition(e.DstNode)));
        }

        Assert.Equal(200, publisher.Published.Sum(p => (int)p.Batch.EdgeCount));
    }

    [Fact]
    public async Task A_node_address_travels_in_the_batch_of_the_next_edge()
    {
        var publisher = new ScriptedPublisher(partitionCount: 8);
        await using var outbox = new EdgeBatchOutbox(publisher, new PublishingOptions());
        var batcher = new EdgeBatcher(new PublishingOptions(), outbox);
        NodeAddress address = NodeAddress.FromIPAddress(System.Net.IPAddress.Parse("192.0.2.7"));
        batcher.Advance(T0);
        batcher.Add(Edge(dst: 11, timestamp: T0));
        batcher.AddNodeAddress(in address);
        batcher.Add(Edge(dst: address.NodeId, timestamp: T0));
        batcher.Flush();
        await outbox.CompleteAsync();

        (ulong _, EdgeBatch carrying) = Assert.Single(publisher.Published, p => p.Batch.NodeAddressCount > 0);
        Assert.Equal(address, Assert.Single(carrying.ReadNodeAddresses()));
        Assert.Contains(carrying.ReadEdges(), e => e.DstNode == address.NodeId);
    }

    internal static GraphEdge Edge(ulong dst, long timestamp) => new()
    {
        TimestampNs = (ulong)timestamp,
        SrcNode = 1,
        DstNode = dst,
        Packets = 1,
        Bytes = 60,
        Protocol = 6,
        Kind = EdgeKind.Tick,
        IpVersion = 4,
    };
}
