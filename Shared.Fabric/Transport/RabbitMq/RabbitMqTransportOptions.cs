namespace NerfEngine.Shared.Fabric.Transport.RabbitMq;

/// <summary>
/// Settings of the <see cref="RabbitMqEdgeTransport"/>, bound from configuration section
/// <see cref="SectionName"/>. Every default is a named constant so the README can cite it.
/// </summary>
/// <remarks>
/// The queue arguments (partition count, delivery limit, max length) are part of the broker's
/// topology: every node of one cluster must use the same values, and changing them on existing
/// queues fails with an error naming the setting (RabbitMQ refuses to redeclare a queue differently).
/// </remarks>
public sealed class RabbitMqTransportOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Transport:RabbitMq";

    /// <summary>The local broker with RabbitMQ's loopback-only guest user.</summary>
    public const string DefaultUri = "amqp://guest:guest@127.0.0.1:5672/";

    /// <summary>Default exchange; queues are named <c>{Exchange}.p{partition}</c>.</summary>
    public const string DefaultExchange = "nerf.edges";

    /// <summary>Default partitions (detector shards).</summary>
    public const int DefaultPartitionCount = 8;

    /// <summary>Default bound on publishes awaiting their confirm, over the whole transport.</summary>
    public const int DefaultMaxPublishesInFlight = 64;

    /// <summary>Default deliveries of one batch before it is dropped as poison (as the in-process transport).</summary>
    public const int DefaultDeliveryLimit = 20;

    /// <summary>Default: queues are unbounded (0); the broker's disk and memory alarms then block publishers.</summary>
    public const int DefaultMaxQueueLength = 0;

    /// <summary>Broker address with credentials and virtual host, e.g. <c>amqp://nerf:secret@mq1:5672/nerf</c>.</summary>
    public string Uri { get; set; } = DefaultUri;

    /// <summary>The direct exchange batches are published to; also the prefix of the queue names.</summary>
    public string Exchange { get; set; } = DefaultExchange;

    /// <summary>Partitions: one durable quorum queue each.</summary>
    public int PartitionCount { get; set; } = DefaultPartitionCount;

    /// <summary>
    /// Publishes sent and not yet confirmed, at most. Past it <see cref="Overflow"/> decides: hold the
    /// caller (its own outbox policy then applies) or drop at once with a counted drop.
    /// </summary>
    public int MaxPublishesInFlight { get; set; } = DefaultMaxPublishesInFlight;

    /// <summary>What a publish does when <see cref="MaxPublishesInFlight"/> are already awaiting confirms.</summary>
    public PartitionOverflow Overflow { get; set; } = PartitionOverflow.Backpressure;

    /// <summary>Deliveries of one batch before a requeue drops it instead (quorum queue <c>x-delivery-limit</c>).</summary>
    public int DeliveryLimit { get; set; } = DefaultDeliveryLimit;

    /// <summary>Batches a queue holds before the broker rejects publishes (<c>x-max-length</c>, <c>reject-publish</c>); 0 = unbounded.</summary>
    public int MaxQueueLength { get; set; } = DefaultMaxQueueLength;

    /// <summary>How long a publish keeps trying (through connection recovery) before it is dropped as <see cref="PublishDropReason.BrokerUnavailable"/>.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the first connection may take before start-up fails with a clear error.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Pause between automatic recovery attempts after the connection is lost.</summary>
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>AMQP heartbeat: a dead peer is noticed after about twice this.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Queue name of <paramref name="partition"/>.</summary>
    public string QueueName(int partition) => $"{Exchange}.p{partition}";

    /// <summary>The broker address without its password, safe for logs and errors.</summary>
    public string RedactedUri()
    {
        if (!System.Uri.TryCreate(Uri, UriKind.Absolute, out Uri? uri))
        {
            return "(not a valid URI)";
        }

        var builder = new UriBuilder(uri) { Password = string.Empty };
        return builder.Uri.ToString();
    }

    /// <summary>Throws with the setting's name when a value is out of range, so a bad configuration fails at start-up.</summary>
    public void Validate()
    {
        if (!System.Uri.TryCreate(Uri, UriKind.Absolute, out Uri? uri) || (uri.Scheme != "amqp" && uri.Scheme != "amqps"))
        {
            throw new ArgumentException($"{SectionName}:Uri must be an amqp:// or amqps:// URI (got '{RedactedUri()}').", nameof(Uri));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(Exchange, $"{SectionName}:Exchange");
        Check(PartitionCount >= 1 && PartitionCount <= 1024, "PartitionCount", "1..1024");
        Check(MaxPublishesInFlight >= 1, "MaxPublishesInFlight", "at least 1");
        Check(DeliveryLimit >= 1, "DeliveryLimit", "at least 1");
        Check(MaxQueueLength >= 0, "MaxQueueLength", "0 (unbounded) or more");
        Check(Enum.IsDefined(Overflow), "Overflow", "Backpressure or RejectPublish");
        Check(PublishTimeout > TimeSpan.Zero && ConnectTimeout > TimeSpan.Zero && RecoveryInterval > TimeSpan.Zero,
            "PublishTimeout/ConnectTimeout/RecoveryInterval", "positive");
    }

    private static void Check(bool ok, string key, string range)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(key, $"{SectionName}:{key} must be {range}.");
        }
    }
}
