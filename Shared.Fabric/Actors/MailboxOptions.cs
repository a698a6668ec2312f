namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// Mailbox shape. A bounded mailbox is a <see cref="System.Threading.Channels.BoundedChannelFullMode.Wait"/>
/// channel: <see cref="IActorRef{TMessage}.TellAsync"/> waits for room (backpressure) while
/// <see cref="IActorRef{TMessage}.Tell"/> drops the message and counts it as a dead letter.
/// </summary>
public sealed record MailboxOptions
{
    private MailboxOptions(int? capacity) => Capacity = capacity;

    /// <summary>No bound: Tell never drops while the actor lives. The default.</summary>
    public static MailboxOptions Unbounded { get; } = new((int?)null);

    /// <summary>Null for unbounded; otherwise the most messages waiting (timer ticks and wake-ups included).</summary>
    public int? Capacity { get; }

    /// <summary>A mailbox that holds at most <paramref name="capacity"/> messages.</summary>
    public static MailboxOptions Bounded(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        return new MailboxOptions(capacity);
    }
}
