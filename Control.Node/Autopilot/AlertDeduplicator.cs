using System.Text;
using NerfEngine.Shared.Messages.Hashing;

namespace NerfEngine.Control.Autopilot;

// Inside the namespace so the type Detection wins over the namespace NerfEngine.Control.Detection.
using NerfEngine.Control.Detection.Detectors;

/// <summary>
/// Suppresses repeats of the same alert for a TTL (default 30 s, event time). The key is FNV-1a 64
/// over (detector, verdict, sorted node ids, window bucket), the bucket being the window end in ms
/// divided by the bucket width (1000 ms: SPEC's window_ms / 1000). The TTL runs from the first
/// sighting; repeats do not extend it. Bounded: past the limit the oldest hash is forgotten (counted).
/// </summary>
/// <remarks>Owned by the sentinel (one actor); not thread-safe.</remarks>
public sealed class AlertDeduplicator
{
    private readonly Dictionary<ulong, long> _expiry = new();
    private readonly Queue<(ulong Key, long ExpiresNs)> _order = new();
    private readonly long _ttlNs;
    private readonly long _bucketNs;
    private readonly int _maxEntries;
    private long _clockNs = long.MinValue;

    /// <summary>Creates a deduplicator.</summary>
    public AlertDeduplicator(TimeSpan ttl, TimeSpan bucket, int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(bucket, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        _ttlNs = ttl.Ticks * 100;
        _bucketNs = bucket.Ticks * 100;
        _maxEntries = maxEntries;
    }

    /// <summary>Hashes remembered.</summary>
    public int Count => _expiry.Count;

    /// <summary>Hashes forgotten early because the table was full.</summary>
    public long Evicted { get; private set; }

    /// <summary>The dedup hash of a detection.</summary>
    public ulong KeyOf(Detection detection)
    {
        ulong hash = Fnv1a64.Append(Fnv1a64.OffsetBasis, Encoding.UTF8.GetBytes(detection.Detector));
        hash = Fnv1a64.Append(hash, [0]);
        hash = Fnv1a64.Append(hash, Encoding.UTF8.GetBytes(detection.Verdict.ToWireName()));
        ulong[] ids = detection.NodeIds.ToArray();
        Array.Sort(ids);
        Span<byte> word = stackalloc byte[8];
        foreach (ulong id in ids)
        {
            BitConverter.TryWriteBytes(word, id);
            hash = Fnv1a64.Append(hash, word);
        }

        BitConverter.TryWriteBytes(word, FloorDiv(detection.WindowEndNs, _bucketNs));
        return Fnv1a64.Append(hash, word);
    }

    /// <summary>
    /// True when an identical alert was first seen less than the TTL ago; otherwise remembers it and
    /// returns false. "Now" is the event clock: the latest window end seen, so a late re-delivery is
    /// judged against current event time, and detections arriving slightly out of order agree.
    /// </summary>
    public bool IsDuplicate(Detection detection)
    {
        _clockNs = Math.Max(_clockNs, detection.WindowEndNs);
        long now = _clockNs;
        Expire(now);
        ulong key = KeyOf(detection);
        if (_expiry.TryGetValue(key, out long expires) && now < expires)
        {
            return true;
        }

        while (_expiry.Count >= _maxEntries && _order.TryDequeue(out var oldest))
        {
            if (_expiry.TryGetValue(oldest.Key, out long e) && e == oldest.ExpiresNs && _expiry.Remove(oldest.Key))
            {
                Evicted++;
            }
        }

        _expiry[key] = now + _ttlNs;
        _order.Enqueue((key, now + _ttlNs));
        return false;
    }

    private void Expire(long now)
    {
        while (_order.TryPeek(out var head) && head.ExpiresNs <= now)
        {
            _order.Dequeue();
            if (_expiry.TryGetValue(head.Key, out long e) && e == head.ExpiresNs)
            {
                _expiry.Remove(head.Key);
            }
        }
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}
