using NerfEngine.Shared.Fabric.Metrics;

namespace NerfEngine.Shared.Fabric.Transport.RabbitMq;

/// <summary>Registers the RabbitMQ transport's counters (per partition, labelled) in the node's <see cref="NerfMetrics"/>.</summary>
public static class RabbitMqTransportMetrics
{
    public static void Register(NerfMetrics metrics, RabbitMqEdgeTransport transport)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(transport);
        PerPartition(metrics, transport, "nerf_transport_published_total", MetricKind.Counter, "Edge-batch publishes routed to a partition.", m => m.Published);
        PerPartition(metrics, transport, "nerf_transport_confirmed_total", MetricKind.Counter, "Edge-batch publishes confirmed by the broker.", m => m.Confirmed);
        PerPartition(metrics, transport, "nerf_transport_dropped_total", MetricKind.Counter, "Edge-batch publishes dropped (confirm window full, broker refused or unreachable, shutting down).", m => m.Dropped);
        PerPartition(metrics, transport, "nerf_transport_delivered_total", MetricKind.Counter, "Edge-batch deliveries to consumers, redeliveries included.", m => m.Delivered);
        PerPartition(metrics, transport, "nerf_transport_redelivered_total", MetricKind.Counter, "Edge-batch deliveries of batches delivered before.", m => m.Redelivered);
        PerPartition(metrics, transport, "nerf_transport_acked_total", MetricKind.Counter, "Edge-batch deliveries acknowledged.", m => m.Acked);
        PerPartition(metrics, transport, "nerf_transport_nacked_total", MetricKind.Counter, "Edge-batch deliveries negatively acknowledged.", m => m.Nacked);
        PerPartition(metrics, transport, "nerf_transport_dead_lettered_total", MetricKind.Counter, "Edge batches given up on (nacked without requeue or past the delivery limit).", m => m.DeadLettered);
        PerPartition(metrics, transport, "nerf_transport_unacked", MetricKind.Gauge, "Edge-batch deliveries held unsettled by this node's consumers.", m => m.Unacked);
        metrics.Register("nerf_transport_publishes_in_flight", MetricKind.Gauge, "Edge-batch publishes awaiting their broker confirm.", () => transport.PublishesInFlight);
        metrics.Register("nerf_transport_handler_faults_total", MetricKind.Counter, "Edge-batch handler calls that threw (their batches were requeued).", () => transport.HandlerFaults);
        metrics.Register("nerf_transport_connection_losses_total", MetricKind.Counter, "RabbitMQ connections lost.", () => transport.ConnectionLosses);
        metrics.Register("nerf_transport_connection_recoveries_total", MetricKind.Counter, "RabbitMQ connections recovered.", () => transport.ConnectionRecoveries);
        metrics.Register("nerf_transport_publish_channel_recoveries_total", MetricKind.Counter, "RabbitMQ publish channels closed by the broker (channel error) and reopened.", () => transport.PublishChannelRecoveries);
        metrics.Register("nerf_transport_dropped_too_large_total", MetricKind.Counter, "Edge-batch publishes dropped as larger than the broker's max_message_size.", () => transport.DroppedTooLarge);
    }

    private static void PerPartition(NerfMetrics metrics, RabbitMqEdgeTransport transport, string name, MetricKind kind, string help, Func<PartitionMetricsSnapshot, long> read) =>
        metrics.Register(name, kind, help, () => Enumerable.Range(0, transport.PartitionCount).Select(p =>
            new MetricSample(read(transport.GetMetrics(p)), [new KeyValuePair<string, string>("partition", p.ToString(System.Globalization.CultureInfo.InvariantCulture))])));
}
