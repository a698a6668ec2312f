using NerfEngine.Shared.Fabric.Transport;
using NerfEngine.Shared.Messages.Wire;

namespace NerfEngine.Sensor.Cli;

/// <summary>
/// The consumer end of a stand-alone replay: subscribes to every partition of the in-process
/// transport, decodes each EdgeBatch in place (<see cref="EdgeBatchView"/>: so a replay proves the wire format end to end), counts it and
/// acks it. Without a consumer the transport would fill and the outbox would start dropping.
/// </summary>
internal sealed class DeliveredEdgeCounter
{
    private long _batches;
    private long _edges;
    private long _nodeAddresses;
    private long _malformed;

    /// <summary>Batches received and decoded.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Edges in those batches.</summary>
    public long Edges => Interlocked.Read(ref _edges);

    /// <summary>Node addresses in those batches.</summary>
    public long NodeAddresses => Interlocked.Read(ref _nodeAddresses);

    /// <summary>Batches that failed to decode (acked anyway: redelivery would not fix them).</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Subscribes to all partitions of <paramref name="transport"/>.</summary>
    public ValueTask<IEdgeBatchSubscription> SubscribeAsync(IEdgeBatchConsumer transport, CancellationToken cancellationToken) =>
        transport.SubscribeAsync([.. Enumerable.Range(0, transport.PartitionCount)], HandleAsync, cancellationToken: cancellationToken);

    private async ValueTask HandleAsync(EdgeBatchDelivery delivery, CancellationToken cancellationToken)
    {
        try
        {
            // Read in place: the records are counted and checked, not copied out of the delivery.
            EdgeBatchView batch = EdgeBatchView.Parse(delivery.Message.Payload.Span);
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _edges, batch.EdgeCount);
            Interlocked.Add(ref _nodeAddresses, batch.NodeAddressCount);
        }
        catch (FormatException)
        {
            Interlocked.Increment(ref _malformed);
        }

        await delivery.AckAsync(cancellationToken).ConfigureAwait(false);
    }
}
