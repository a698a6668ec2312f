using NerfEngine.Control.Autopilot;

namespace NerfEngine.Control.Embedded;

/// <summary>
/// Fans emitted event cards out to whoever listens (the console printer of <c>run</c>, tools).
/// Called on the engine's thread; listeners must be quick and must not throw.
/// </summary>
public sealed class EventCardFeed : IEventCardSink
{
    private volatile Action<EventCard>[] _listeners = [];
    private long _emitted;

    public long Emitted => Interlocked.Read(ref _emitted);

    public IDisposable Subscribe(Action<EventCard> listener)
    {
        lock (this) _listeners = [.. _listeners, listener];
        return new Subscription(this, listener);
    }

    public void OnCard(EventCard card)
    {
        Interlocked.Increment(ref _emitted);
        foreach (var listener in _listeners) listener(card);
    }

    private sealed class Subscription(EventCardFeed feed, Action<EventCard> listener) : IDisposable
    {
        public void Dispose()
        {
            lock (feed) feed._listeners = feed._listeners.Where(l => l != listener).ToArray();
        }
    }
}
