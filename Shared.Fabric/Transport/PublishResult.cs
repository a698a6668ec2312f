namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>
/// The outcome of a publish: <see cref="Confirmed"/> once the transport has durably accepted the
/// batch (RabbitMQ: publisher confirm received), or dropped with a reason. A dropped batch is always
/// counted in the partition's metrics, so a drop is never silent.
/// </summary>
public readonly record struct PublishResult
{
    private PublishResult(PublishDropReason dropReason, string? detail)
    {
        DropReason = dropReason;
        Detail = detail;
    }

    /// <summary>The transport has the batch; it will be delivered until acknowledged.</summary>
    public static PublishResult Confirmed { get; } = new(PublishDropReason.None, null);

    /// <summary>True when the batch was accepted.</summary>
    public bool IsConfirmed => DropReason == PublishDropReason.None;

    /// <summary><see cref="PublishDropReason.None"/> when confirmed, otherwise why the batch was dropped.</summary>
    public PublishDropReason DropReason { get; }

    /// <summary>A human-readable explanation of a drop (null when confirmed).</summary>
    public string? Detail { get; }

    /// <summary>A drop with its reason.</summary>
    public static PublishResult Dropped(PublishDropReason reason, string detail)
    {
        if (reason == PublishDropReason.None)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "A drop needs a reason.");
        }

        return new PublishResult(reason, detail);
    }

    /// <inheritdoc />
    public override string ToString() => IsConfirmed ? "Confirmed" : $"Dropped({DropReason}: {Detail})";
}

/// <summary>Why a publish was not accepted.</summary>
public enum PublishDropReason
{
    /// <summary>Not dropped.</summary>
    None,

    /// <summary>The partition was full and its overflow policy rejects publishes (RabbitMQ: <c>x-overflow: reject-publish</c>).</summary>
    PartitionFull,

    /// <summary>The transport is shutting down or shut down.</summary>
    ShuttingDown,

    /// <summary>The broker refused the batch (RabbitMQ: <c>basic.nack</c> to the publisher).</summary>
    BrokerRejected,

    /// <summary>No queue is bound for the partition (RabbitMQ: mandatory message returned).</summary>
    Unroutable,

    /// <summary>Too many publishes were awaiting their confirm and the overflow policy rejects rather than waits.</summary>
    ConfirmWindowFull,

    /// <summary>The broker could not be reached (or the confirm lost) for longer than the publish timeout.</summary>
    BrokerUnavailable,

    /// <summary>The batch is larger than the broker accepts (RabbitMQ: <c>max_message_size</c>, channel closed with 406); retrying cannot help.</summary>
    MessageTooLarge,
}
