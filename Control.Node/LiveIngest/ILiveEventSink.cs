namespace NerfEngine.Control.LiveIngest;

/// <summary>Where live sources hand their events: the bounded, filtered live-ingest queue (SPEC §8).</summary>
public interface ILiveEventSink
{
    /// <summary>
    /// Offers one event. Never blocks and never throws for a well-formed event: every outcome other than
    /// <see cref="LiveOfferOutcome.Queued"/> is a counted, visible drop.
    /// </summary>
    LiveOfferOutcome Offer(LiveEvent liveEvent);
}

/// <summary>What happened to an offered event.</summary>
public enum LiveOfferOutcome
{
    /// <summary>Queued; waits for <c>ingest_live_event</c>.</summary>
    Queued,

    /// <summary>Dropped: the queue is at capacity.</summary>
    DroppedQueueFull,

    /// <summary>Dropped: its event type arrives above the type's frequency baseline + sigma.</summary>
    DroppedAboveBaseline,

    /// <summary>Dropped: too little novelty (its entities and edge were all seen recently).</summary>
    DroppedLowNovelty,

    /// <summary>Rejected: it cannot become an edge (no usable addresses); the reason is counted.</summary>
    Unmappable,
}
