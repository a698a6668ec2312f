namespace NerfEngine.Control.Autonomy.Analysis;

/// <summary>
/// How a node feeds its live event cards to the analyst (section <c>Autonomy:AnalystFeed</c>, e.g.
/// <c>--set Autonomy:AnalystFeed:Enabled=false</c>). The executor's phase, not this switch, decides whether anything
/// executes: in the default phase 0 every proposal is decided, logged and rejected.
/// </summary>
public sealed record AnalystFeedOptions
{
    /// <summary>Feed every emitted card to the analyst. Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Cards and proposals not yet decided before new cards are refused (counted as dropped, never queued without
    /// bound): a stalled journal must not grow memory. Default 1024.
    /// </summary>
    public int MaxInFlight { get; init; } = 1024;

    /// <summary>How long <c>run --pcap</c> waits for the executor to decide what the replay proposed before its summary. Default 30 s.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting that makes no sense.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInFlight, 1, "Autonomy:AnalystFeed:MaxInFlight");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DrainTimeout, TimeSpan.Zero, "Autonomy:AnalystFeed:DrainTimeout");
    }
}
