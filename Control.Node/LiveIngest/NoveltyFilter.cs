namespace NerfEngine.Control.LiveIngest;

/// <summary>
/// SPEC §8's novelty filter. An event's novelty is the weighted share of its fingerprints not seen within
/// <see cref="LiveIngestOptions.NoveltyWindow"/>: the edge (source, destination, port, protocol) weighs
/// <see cref="EdgeWeight"/>, each endpoint <see cref="EndpointWeight"/>. So novelty is 0 for a repeat of a recent edge,
/// 0.5 for a new port or pair between known hosts, 0.75 with one unseen host and 1 when everything is new. Events below
/// <see cref="LiveIngestOptions.MinNovelty"/> (0.25: only repeats) are dropped; 0.6 would also drop new ports between
/// known hosts.
/// </summary>
/// <remarks>
/// Only events that are queued are remembered: an event dropped for another reason (full queue, burst) must not make its
/// resend look old. Memory is bounded by <see cref="LiveIngestOptions.MaxFingerprints"/>; the oldest are forgotten first.
/// Not thread-safe: one caller at a time (the <see cref="LiveIngestQueue"/>'s lock).
/// </remarks>
public sealed class NoveltyFilter
{
    /// <summary>Share of novelty carried by the edge fingerprint.</summary>
    public const double EdgeWeight = 0.5;

    /// <summary>Share carried by each endpoint's node id.</summary>
    public const double EndpointWeight = 0.25;

    private readonly long _windowTicks;
    private readonly int _maxFingerprints;

    /// <summary>Last time each fingerprint was remembered (UTC ticks).</summary>
    private readonly Dictionary<ulong, long> _lastSeen = [];

    /// <summary>Remembered (fingerprint, time) in time order; may hold stale entries of refreshed fingerprints. Count ≥ <see cref="_lastSeen"/>.Count.</summary>
    private readonly Queue<(ulong Fingerprint, long At)> _order = new();

    public NoveltyFilter(LiveIngestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _windowTicks = options.NoveltyWindow.Ticks;
        _maxFingerprints = options.MaxFingerprints;
    }

    /// <summary>Fingerprints remembered now.</summary>
    public int Tracked => _lastSeen.Count;

    /// <summary>Novelty of <paramref name="mapped"/> in [0, 1] at <paramref name="nowTicks"/>.</summary>
    public double Novelty(LiveMappedEvent mapped, long nowTicks)
    {
        ArgumentNullException.ThrowIfNull(mapped);
        Forget(nowTicks);
        var novelty = 0.0;
        if (!Seen(mapped.Fingerprint, nowTicks)) novelty += EdgeWeight;
        if (!Seen(mapped.Source.NodeId, nowTicks)) novelty += EndpointWeight;
        if (!Seen(mapped.Destination.NodeId, nowTicks)) novelty += EndpointWeight;
        return novelty;
    }

    /// <summary>Remembers the fingerprints of a queued event.</summary>
    public void Remember(LiveMappedEvent mapped, long nowTicks)
    {
        ArgumentNullException.ThrowIfNull(mapped);
        Remember(mapped.Fingerprint, nowTicks);
        Remember(mapped.Source.NodeId, nowTicks);
        Remember(mapped.Destination.NodeId, nowTicks);
        Forget(nowTicks);
    }

    private bool Seen(ulong fingerprint, long nowTicks) => _lastSeen.TryGetValue(fingerprint, out var at) && nowTicks - at < _windowTicks;

    private void Remember(ulong fingerprint, long nowTicks)
    {
        _lastSeen[fingerprint] = nowTicks;
        _order.Enqueue((fingerprint, nowTicks));
    }

    /// <summary>Drops what left the window and, past the bound, the oldest.</summary>
    private void Forget(long nowTicks)
    {
        while (_order.TryPeek(out var oldest) && (_order.Count > _maxFingerprints || nowTicks - oldest.At >= _windowTicks))
        {
            _order.Dequeue();
            if (_lastSeen.TryGetValue(oldest.Fingerprint, out var at) && at == oldest.At)
            {
                _lastSeen.Remove(oldest.Fingerprint);
            }
        }
    }
}
