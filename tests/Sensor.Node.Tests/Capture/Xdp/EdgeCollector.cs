using System.Collections.Concurrent;
using NerfEngine.Shared.Fabric.Transport;
using NerfEngine.Shared.Messages.Records;
using NerfEngine.Shared.Messages.Wire;

namespace NerfEngine.Tests.SensorNode.Capture.Xdp;

/// <summary>The far end of a transport in tests: decodes every EdgeBatch and keeps its GraphEdges and NodeAddresses.</summary>
internal sealed class EdgeCollector
{
    private readonly ConcurrentQueue<GraphEdge> _edges = new();
    private readonly ConcurrentQueue<NodeAddress> _addresses = new();

    public IReadOnlyList<GraphEdge> Edges => [.. _edges];

    public IReadOnlyList<NodeAddress> Addresses => [.. _addresses];

    public ValueTask<IEdgeBatchSubscription> SubscribeAsync(IEdgeBatchConsumer transport) =>
        transport.SubscribeAsync([.. Enumerable.Range(0, transport.PartitionCount)], HandleAsync);

    /// <summary>Packets and bytes of the AGG records, summed per edge hash.</summary>
    public Dictionary<ulong, (long Packets, long Bytes)> AggregateTotals() =>
        Edges.Where(e => e.Kind == EdgeKind.Aggregate)
            .GroupBy(e => e.EdgeHash)
            .ToDictionary(g => g.Key, g => (g.Sum(e => (long)e.Packets), g.Sum(e => (long)e.Bytes)));

    private async ValueTask HandleAsync(EdgeBatchDelivery delivery, CancellationToken cancellationToken)
    {
        EdgeBatch batch = EdgeBatch.Parser.ParseFrom(delivery.Message.Payload.Span);
        foreach (GraphEdge edge in batch.GetEdges())
        {
            _edges.Enqueue(edge);
        }
        foreach (NodeAddress address in batch.ReadNodeAddresses())
        {
            _addresses.Enqueue(address);
        }
        await delivery.AckAsync(cancellationToken);
    }
}
