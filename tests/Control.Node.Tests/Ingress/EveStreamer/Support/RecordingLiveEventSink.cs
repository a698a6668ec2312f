using System.Collections.Concurrent;
using NerfEngine.Control.LiveIngest;

namespace NerfEngine.Tests.ControlNode.Ingress.EveStreamer.Support;

/// <summary>
/// Test double of the live-ingest queue (a sibling component built elsewhere): records every offered event and
/// answers what the test's rule says (Queued by default).
/// </summary>
internal sealed class RecordingLiveEventSink : ILiveEventSink
{
    private readonly ConcurrentQueue<LiveEvent> _events = new();

    /// <summary>The answer for each event; tests replace it to exercise the queue's drop outcomes.</summary>
    public Func<LiveEvent, LiveOfferOutcome> Decide { get; set; } = _ => LiveOfferOutcome.Queued;

    public IReadOnlyList<LiveEvent> Events => _events.ToArray();

    public LiveOfferOutcome Offer(LiveEvent liveEvent)
    {
        _events.Enqueue(liveEvent);
        return Decide(liveEvent);
    }

    /// <summary>Events whose id starts with <paramref name="prefix"/>, in arrival order.</summary>
    public IReadOnlyList<LiveEvent> WithIdPrefix(string prefix) =>
        _events.Where(e => e.EventId.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
}
