namespace NerfEngine.Control.Ingress.EveStreamer;

/// <summary>Why an event from a shipper was not accepted (the metrics label of each is in <see cref="EventRejections.Label"/>).</summary>
public enum EventRejectionReason
{
    /// <summary>The type is empty or blank.</summary>
    EmptyType,

    /// <summary>The timestamp is not positive, before <see cref="EveStreamerOptions.EarliestTimestamp"/>, or unrepresentable.</summary>
    TimestampTooEarly,

    /// <summary>The timestamp is further ahead of this node's clock than <see cref="EveStreamerOptions.MaxFutureSkew"/>.</summary>
    TimestampInFuture,

    /// <summary>More entities than <see cref="EveStreamerOptions.MaxEntitiesPerEvent"/>.</summary>
    TooManyEntities,

    /// <summary>An entity has an empty key.</summary>
    EmptyEntityKey,

    /// <summary>The live-ingest queue answered it cannot become an edge (no usable addresses).</summary>
    Unmappable,
}

/// <summary>One rejected event: its position in the stream (1-based), the sender's id, the reason and the detail.</summary>
public sealed record EventRejection(long Index, string EventId, EventRejectionReason Reason, string Detail)
{
    /// <summary>"event #3 (id e-3): type is empty".</summary>
    public override string ToString() =>
        EventId.Length == 0 ? $"event #{Index}: {Detail}" : $"event #{Index} (id {Bound(EventId)}): {Detail}";

    private static string Bound(string id) => id.Length <= 64 ? id : string.Concat(id.AsSpan(0, 63), "…");
}

/// <summary>Labels of <see cref="EventRejectionReason"/> for metrics.</summary>
public static class EventRejections
{
    public static readonly IReadOnlyList<EventRejectionReason> All = Enum.GetValues<EventRejectionReason>();

    public static string Label(EventRejectionReason reason) => reason switch
    {
        EventRejectionReason.EmptyType => "empty_type",
        EventRejectionReason.TimestampTooEarly => "timestamp_too_early",
        EventRejectionReason.TimestampInFuture => "timestamp_in_future",
        EventRejectionReason.TooManyEntities => "too_many_entities",
        EventRejectionReason.EmptyEntityKey => "empty_entity_key",
        EventRejectionReason.Unmappable => "unmappable",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
