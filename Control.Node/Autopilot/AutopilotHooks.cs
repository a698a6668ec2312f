namespace NerfEngine.Control.Autopilot;

/// <summary>
/// Tier-3 hook: the sentinel wakes the investigator (the copilot) with an autonomous-tier card.
/// Must not block — enqueue or Tell and return; the investigation runs elsewhere.
/// </summary>
public interface IInvestigator
{
    /// <summary>Starts (or queues) an investigation of <paramref name="card"/>.</summary>
    void Wake(EventCard card);
}

/// <summary>Receives every emitted card (alert and autonomous tiers), synchronously on the sentinel's thread.</summary>
public interface IEventCardSink
{
    /// <summary>A card was emitted.</summary>
    void OnCard(EventCard card);
}

/// <summary>What the sentinel did with one detection.</summary>
/// <param name="Tier">Tier from the score (also for duplicates, which are then dropped).</param>
/// <param name="Score">Scorer confidence.</param>
/// <param name="Deduplicated">True when an identical alert was seen within the TTL and this one was dropped.</param>
/// <param name="Card">The emitted card, for the alert and autonomous tiers.</param>
public readonly record struct SentinelOutcome(AlertTier Tier, double Score, bool Deduplicated, EventCard? Card);

/// <summary>Counters of every sentinel outcome (graphops_autopilot_status). Thread-safe reads.</summary>
public sealed class AutopilotCounters
{
    private long _received, _discarded, _observed, _suggested, _alerted, _autonomous, _deduplicated, _cooledDown, _investigatorErrors;

    /// <summary>Detections received.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Scored below the observation bound.</summary>
    public long Discarded => Interlocked.Read(ref _discarded);

    /// <summary>Routed to the observation log.</summary>
    public long Observed => Interlocked.Read(ref _observed);

    /// <summary>Routed to the suggestion queue.</summary>
    public long Suggested => Interlocked.Read(ref _suggested);

    /// <summary>Alert-tier cards emitted.</summary>
    public long Alerted => Interlocked.Read(ref _alerted);

    /// <summary>Autonomous-tier cards emitted.</summary>
    public long Autonomous => Interlocked.Read(ref _autonomous);

    /// <summary>Dropped as duplicates within the dedup TTL.</summary>
    public long Deduplicated => Interlocked.Read(ref _deduplicated);

    /// <summary>Suppressed by a detector's cooldown (reported through <c>IDetectionSink.OnCooledDown</c>).</summary>
    public long CooledDown => Interlocked.Read(ref _cooledDown);

    /// <summary>Investigator hooks that threw.</summary>
    public long InvestigatorErrors => Interlocked.Read(ref _investigatorErrors);

    internal void CountReceived() => Interlocked.Increment(ref _received);

    internal void CountDeduplicated() => Interlocked.Increment(ref _deduplicated);

    internal void CountCooledDown() => Interlocked.Increment(ref _cooledDown);

    internal void CountInvestigatorError() => Interlocked.Increment(ref _investigatorErrors);

    internal void CountTier(AlertTier tier)
    {
        switch (tier)
        {
            case AlertTier.Discard: Interlocked.Increment(ref _discarded); break;
            case AlertTier.Observation: Interlocked.Increment(ref _observed); break;
            case AlertTier.Suggestion: Interlocked.Increment(ref _suggested); break;
            case AlertTier.Alert: Interlocked.Increment(ref _alerted); break;
            default: Interlocked.Increment(ref _autonomous); break;
        }
    }
}
