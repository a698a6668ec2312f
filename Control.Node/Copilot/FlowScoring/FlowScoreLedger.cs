using NerfEngine.Control.Detection.Graph;

namespace NerfEngine.Control.Copilot.FlowScoring;

/// <summary>
/// The latest model score of each scored edge: a bounded side table beside the hypergraph, so the detectors' hot path
/// (and the edge records it touches) stays as it is. An entry belongs to one incarnation of an edge — identified by the
/// edge's first-seen time — so an edge pruned and seen again later does not inherit the old score. Past
/// <see cref="Capacity"/> the least recently scored edge is evicted and counted. Thread-safe (one lock, short
/// critical sections): run_tak_ml writes, the query tools read.
/// </summary>
public sealed class FlowScoreLedger
{
    private readonly Dictionary<HyperEdgeKey, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _byAge = new(); // oldest first
    private readonly Lock _lock = new();
    private long _recorded, _evicted;

    /// <summary>Creates a table holding at most <paramref name="capacity"/> edges' scores.</summary>
    public FlowScoreLedger(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>Most edges held.</summary>
    public int Capacity { get; }

    /// <summary>Edges with a score now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Scores ever recorded.</summary>
    public long Recorded => Interlocked.Read(ref _recorded);

    /// <summary>Scores dropped to stay within <see cref="Capacity"/>.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>Records <paramref name="score"/> as the latest of the edge incarnation first seen at <paramref name="edgeFirstSeenNs"/>; returns the score it replaces, if any (of the same incarnation).</summary>
    public FlowScore? Record(HyperEdgeKey key, long edgeFirstSeenNs, FlowScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        lock (_lock)
        {
            FlowScore? previous = null;
            if (_entries.Remove(key, out var existing))
            {
                previous = existing.Value.FirstSeenNs == edgeFirstSeenNs ? existing.Value.Score : null;
                _byAge.Remove(existing);
            }
            else if (_entries.Count >= Capacity && _byAge.First is { } oldest)
            {
                _entries.Remove(oldest.Value.Key);
                _byAge.RemoveFirst();
                _evicted++;
            }

            _entries[key] = _byAge.AddLast(new Entry(key, edgeFirstSeenNs, score));
            _recorded++;
            return previous;
        }
    }

    /// <summary>The latest score of the edge incarnation first seen at <paramref name="edgeFirstSeenNs"/>.</summary>
    public bool TryGet(HyperEdgeKey key, long edgeFirstSeenNs, out FlowScore score)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node) && node.Value.FirstSeenNs == edgeFirstSeenNs)
            {
                score = node.Value.Score;
                return true;
            }
        }

        score = null!;
        return false;
    }

    private sealed record Entry(HyperEdgeKey Key, long FirstSeenNs, FlowScore Score);
}
