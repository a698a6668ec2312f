namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>Per-subscription consumer settings.</summary>
/// <param name="Prefetch">
/// Most unsettled deliveries per partition at once (RabbitMQ: <c>basic.qos</c> prefetch count).
/// Bounds the memory a slow consumer holds and is how consumer backpressure reaches the partition.
/// </param>
public sealed record SubscriptionOptions(int Prefetch = 8)
{
    /// <summary>Defaults: prefetch 8.</summary>
    public static SubscriptionOptions Default { get; } = new();

    /// <summary>Throws when a field is out of range.</summary>
    public void Validate() => ArgumentOutOfRangeException.ThrowIfLessThan(Prefetch, 1);
}
