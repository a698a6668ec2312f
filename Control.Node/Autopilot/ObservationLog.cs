namespace NerfEngine.Control.Autopilot;

/// <summary>
/// Observation-tier detections, kept in a fixed-size ring (graphops_observation_log): the newest
/// overwrite the oldest, so memory is constant. Thread-safe: the sentinel writes, tools read.
/// </summary>
public sealed class ObservationLog
{
    private readonly ScoredDetection?[] _ring;
    private readonly Lock _lock = new();
    private int _next;
    private int _count;
    private long _total;

    /// <summary>Creates a log keeping the last <paramref name="capacity"/> observations.</summary>
    public ObservationLog(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new ScoredDetection?[capacity];
    }

    /// <summary>Observations held (≤ capacity).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Observations ever recorded.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Records an observation, overwriting the oldest when full.</summary>
    public void Add(ScoredDetection observation)
    {
        lock (_lock)
        {
            _ring[_next] = observation;
            _next = (_next + 1) % _ring.Length;
            _count = Math.Min(_count + 1, _ring.Length);
            _total++;
        }
    }

    /// <summary>Up to <paramref name="max"/> observations, newest first.</summary>
    public IReadOnlyList<ScoredDetection> Recent(int max = int.MaxValue)
    {
        lock (_lock)
        {
            int n = Math.Min(max, _count);
            var result = new ScoredDetection[n];
            for (int i = 0; i < n; i++)
            {
                result[i] = _ring[(_next - 1 - i + _ring.Length) % _ring.Length]!;
            }

            return result;
        }
    }
}
