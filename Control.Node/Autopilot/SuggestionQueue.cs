namespace NerfEngine.Control.Autopilot;

/// <summary>
/// Suggestion-tier detections waiting for the analyst, who pulls them (graphops_suggestion_queue).
/// Bounded: when full, the oldest suggestion is dropped and counted, so a burst cannot grow memory
/// and the analyst always sees the newest. Thread-safe: the sentinel writes, the analyst reads.
/// </summary>
public sealed class SuggestionQueue
{
    private readonly Queue<ScoredDetection> _items;
    private readonly int _capacity;
    private readonly Lock _lock = new();
    private long _dropped;

    /// <summary>Creates an empty queue holding at most <paramref name="capacity"/> suggestions.</summary>
    public SuggestionQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _items = new Queue<ScoredDetection>(Math.Min(capacity, 1024));
    }

    /// <summary>Suggestions waiting.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Suggestions dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Adds a suggestion, dropping the oldest when full.</summary>
    public void Enqueue(ScoredDetection suggestion)
    {
        lock (_lock)
        {
            if (_items.Count >= _capacity)
            {
                _items.Dequeue();
                _dropped++;
            }

            _items.Enqueue(suggestion);
        }
    }

    /// <summary>Takes the oldest suggestion.</summary>
    public bool TryDequeue(out ScoredDetection? suggestion)
    {
        lock (_lock)
        {
            return _items.TryDequeue(out suggestion);
        }
    }

    /// <summary>Takes up to <paramref name="max"/> suggestions, oldest first.</summary>
    public IReadOnlyList<ScoredDetection> Take(int max)
    {
        lock (_lock)
        {
            var taken = new List<ScoredDetection>(Math.Min(max, _items.Count));
            while (taken.Count < max && _items.TryDequeue(out ScoredDetection? item))
            {
                taken.Add(item);
            }

            return taken;
        }
    }

    /// <summary>Looks at up to <paramref name="max"/> suggestions without taking them, oldest first.</summary>
    public IReadOnlyList<ScoredDetection> Peek(int max)
    {
        lock (_lock)
        {
            return _items.Take(max).ToArray();
        }
    }
}
