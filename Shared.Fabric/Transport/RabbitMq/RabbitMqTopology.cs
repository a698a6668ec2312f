using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace NerfEngine.Shared.Fabric.Transport.RabbitMq;

/// <summary>
/// The broker objects of the transport, declared idempotently (declaring what exists with the same
/// arguments is a no-op): a durable direct exchange and, per partition, a durable quorum queue bound
/// with the partition number as routing key. The client records them, so topology recovery
/// re-declares them after a reconnect.
/// </summary>
/// <remarks>
/// Why a direct exchange keyed by partition rather than the consistent-hash exchange: the partition is
/// computed by <see cref="EdgePartitioner"/> exactly as in the in-process transport, so
/// <see cref="IEdgePartitioning.GetPartition"/> tells a publisher, a detector and an operator which
/// queue a node id lands in, and shard placement (partition → detector) means the same thing in both
/// modes. The consistent-hash exchange places keys on its own ring, which clients cannot query, and
/// needs a plugin.
/// </remarks>
internal static class RabbitMqTopology
{
    public static string RoutingKey(int partition) => partition.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The queue arguments; they must be identical on every declaration of the queue.</summary>
    public static Dictionary<string, object?> QueueArguments(RabbitMqTransportOptions options)
    {
        var arguments = new Dictionary<string, object?>
        {
            ["x-queue-type"] = "quorum",
            ["x-single-active-consumer"] = true,
            // Quorum queues count returns; x-delivery-limit N allows N + 1 deliveries.
            ["x-delivery-limit"] = options.DeliveryLimit - 1,
        };
        if (options.MaxQueueLength > 0)
        {
            arguments["x-max-length"] = options.MaxQueueLength;
            arguments["x-overflow"] = "reject-publish";
        }

        return arguments;
    }

    public static async Task DeclareAsync(IConnection connection, RabbitMqTransportOptions options, CancellationToken cancellationToken)
    {
        IChannel channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (channel.ConfigureAwait(false))
        {
            string queue = string.Empty;
            try
            {
                await channel.ExchangeDeclareAsync(options.Exchange, ExchangeType.Direct, durable: true, autoDelete: false,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                Dictionary<string, object?> arguments = QueueArguments(options);
                for (int p = 0; p < options.PartitionCount; p++)
                {
                    queue = options.QueueName(p);
                    await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments,
                        cancellationToken: cancellationToken).ConfigureAwait(false);
                    await channel.QueueBindAsync(queue, options.Exchange, RoutingKey(p), cancellationToken: cancellationToken).ConfigureAwait(false);
                }

                await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode is 406 or 403)
            {
                string what = ex.ShutdownReason.ReplyCode == 403
                    ? $"The RabbitMQ user in {RabbitMqTransportOptions.SectionName}:Uri may not declare '{options.Exchange}' or its queues"
                    : $"Queue '{queue}' or exchange '{options.Exchange}' exists with other arguments than {RabbitMqTransportOptions.SectionName}:"
                        + "DeliveryLimit/MaxQueueLength ask for (every node must use the same values; change them back, or use another Exchange name)";
                throw new EdgeTransportConnectionException($"{what}: {ex.ShutdownReason.ReplyText}.", $"{RabbitMqTransportOptions.SectionName}:Exchange", ex);
            }
        }
    }

    /// <summary>Deletes the exchange and its queues (tests and decommissioning); missing ones are fine.</summary>
    public static async Task DeleteAsync(IConnection connection, RabbitMqTransportOptions options, CancellationToken cancellationToken = default)
    {
        IChannel channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (channel.ConfigureAwait(false))
        {
            for (int p = 0; p < options.PartitionCount; p++)
            {
                await channel.QueueDeleteAsync(options.QueueName(p), ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            await channel.ExchangeDeleteAsync(options.Exchange, ifUnused: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
