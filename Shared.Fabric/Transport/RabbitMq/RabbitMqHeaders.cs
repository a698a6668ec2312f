using System.Text;
using RabbitMQ.Client;

namespace NerfEngine.Shared.Fabric.Transport.RabbitMq;

/// <summary>How an <see cref="EdgeBatchMessage"/>'s headers travel in AMQP properties, in one place.</summary>
internal static class RabbitMqHeaders
{
    /// <summary>The sensor's batch sequence (AMQP tables have signed 64-bit integers: the bits are kept).</summary>
    public const string BatchSequenceHeader = "nerf-batch-sequence";

    /// <summary>Set by quorum queues on redelivery: how many times the message was returned before.</summary>
    public const string DeliveryCountHeader = "x-delivery-count";

    /// <summary>Properties of a published batch: persistent (survives a broker restart), sensor as app-id.</summary>
    public static BasicProperties For(EdgeBatchMessage message) => new()
    {
        Persistent = true,
        AppId = message.SensorId,
        Headers = new Dictionary<string, object?> { [BatchSequenceHeader] = unchecked((long)message.BatchSequence) },
    };

    public static ulong BatchSequence(IReadOnlyBasicProperties properties) =>
        properties.Headers is { } headers && headers.TryGetValue(BatchSequenceHeader, out object? value) && value is not null
            ? unchecked((ulong)Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture))
            : 0;

    /// <summary><c>x-delivery-count</c> + 1 when the queue reports it; otherwise 2 for a redelivery, 1 for a first delivery.</summary>
    public static int DeliveryCount(IReadOnlyBasicProperties properties, bool redelivered)
    {
        if (properties.Headers is { } headers && headers.TryGetValue(DeliveryCountHeader, out object? value) && value is not null)
        {
            long returned = value is byte[] text
                ? long.Parse(Encoding.UTF8.GetString(text), System.Globalization.CultureInfo.InvariantCulture)
                : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
            return (int)Math.Min(int.MaxValue, returned + 1);
        }

        return redelivered ? 2 : 1;
    }
}
