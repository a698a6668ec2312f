using NerfEngine.Sensor.Capture.EveJson;

namespace NerfEngine.Control.LiveIngest;

/// <summary>
/// The live-ingest queue (SPEC §8): where live sources hand their events, and the only way they reach the graph is
/// <see cref="LiveEventCommitter"/> (the gated ingest_live_event tool). An offered event is mapped to graph records
/// (unmappable → counted by reason), judged by the <see cref="EventTypeFrequencyFilter"/> and the
/// <see cref="NoveltyFilter"/>, and queued if there is room; every other outcome is a counted drop.
/// </summary>
/// <remarks>
/// Thread-safe; <see cref="Offer"/> never waits for room or I/O: mapping runs outside the lock, and the lock covers only
/// the filters' table updates and one ring slot (microseconds). The front of the ring is removed only by the committer,
/// which reads it (<see cref="PeekFront"/>), commits, then removes it (<see cref="DiscardFront"/>), so a failed commit
/// loses nothing.
/// </remarks>
public sealed class LiveIngestQueue : ILiveEventSink
{
    private readonly Lock _lock = new();
    private readonly LiveIngestOptions _options;
    private readonly TimeProvider _time;
    private readonly LiveEventMapper _mapper;
    private readonly EventTypeFrequencyFilter _frequency;
    private readonly NoveltyFilter _novelty;

    /// <summary>Ring of queued events; guarded by <see cref="_lock"/>. Slots [_head, _head + _count) hold events.</summary>
    private readonly LiveMappedEvent?[] _ring;
    private int _head;
    private int _count;

    /// <summary>Events per <see cref="LiveOfferOutcome"/>; written under the lock or with Interlocked, read with Interlocked.</summary>
    private readonly long[] _outcomes = new long[Enum.GetValues<LiveOfferOutcome>().Length];

    /// <summary>Unmappable events per reason (<see cref="LiveEventMapper.UnmappableReasons"/>), indexed by outcome (Interlocked).</summary>
    private readonly long[] _unmappable = new long[EveLineOutcomes.Count];

    /// <summary>Outcomes per source name (bounded; guarded by <see cref="_lock"/>).</summary>
    private readonly Dictionary<string, long[]> _sources = new(StringComparer.Ordinal);

    private long _offered;

    public LiveIngestQueue(LiveIngestOptions options, TimeProvider time)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Live ingest options rejected: {string.Join(" ", problems)}", nameof(options));
        }

        _mapper = new LiveEventMapper(options.SensorId);
        _frequency = new EventTypeFrequencyFilter(options);
        _novelty = new NoveltyFilter(options);
        _ring = new LiveMappedEvent?[options.Capacity];
    }

    /// <summary>The options the queue and its filters run with.</summary>
    public LiveIngestOptions Options => _options;

    /// <summary>Bound of the queue.</summary>
    public int Capacity => _ring.Length;

    /// <summary>Events waiting now.</summary>
    public int Depth
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <inheritdoc />
    public LiveOfferOutcome Offer(LiveEvent liveEvent)
    {
        ArgumentNullException.ThrowIfNull(liveEvent);
        if (liveEvent.Source is null || liveEvent.Type is null || liveEvent.EventId is null || liveEvent.Entities is null)
        {
            throw new ArgumentException("A live event needs a source, a type, an event id (may be empty) and entities (may be empty).", nameof(liveEvent));
        }

        Interlocked.Increment(ref _offered);
        var now = _time.GetUtcNow().UtcTicks;
        if (!_mapper.TryMap(liveEvent, out var mapped, out var reason))
        {
            Interlocked.Increment(ref _unmappable[(int)reason]);
            return Count(liveEvent.Source, LiveOfferOutcome.Unmappable);
        }

        lock (_lock)
        {
            LiveOfferOutcome outcome;
            if (_options.FrequencyFilterEnabled && !_frequency.Observe(liveEvent.Type, now))
            {
                outcome = LiveOfferOutcome.DroppedAboveBaseline;
            }
            else if (_options.NoveltyFilterEnabled && _novelty.Novelty(mapped!, now) < _options.MinNovelty)
            {
                outcome = LiveOfferOutcome.DroppedLowNovelty;
            }
            else if (_count == _ring.Length)
            {
                outcome = LiveOfferOutcome.DroppedQueueFull;
            }
            else
            {
                _ring[(_head + _count) % _ring.Length] = mapped;
                _count++;
                if (_options.NoveltyFilterEnabled) _novelty.Remember(mapped!, now);
                outcome = LiveOfferOutcome.Queued;
            }

            return Count(liveEvent.Source, outcome);
        }
    }

    /// <summary>Copies up to <paramref name="max"/> events from the front without removing them (the committer's read).</summary>
    public IReadOnlyList<LiveMappedEvent> PeekFront(int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        lock (_lock)
        {
            var taken = Math.Min(max, _count);
            var events = new LiveMappedEvent[taken];
            for (var i = 0; i < taken; i++)
            {
                events[i] = _ring[(_head + i) % _ring.Length]!;
            }

            return events;
        }
    }

    /// <summary>Removes <paramref name="count"/> events from the front, after the committer handled them.</summary>
    public void DiscardFront(int count)
    {
        lock (_lock)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _count);
            for (var i = 0; i < count; i++)
            {
                _ring[(_head + i) % _ring.Length] = null;
            }

            _head = (_head + count) % _ring.Length;
            _count -= count;
        }
    }

    /// <summary>A consistent view of the queue, its filters and its sources.</summary>
    public LiveQueueStats Snapshot()
    {
        var now = _time.GetUtcNow().UtcTicks;
        lock (_lock)
        {
            var unmappable = LiveEventMapper.UnmappableReasons
                .ToDictionary(r => LiveIngestStats.Name(r), r => Interlocked.Read(ref _unmappable[(int)r]), StringComparer.Ordinal);
            var sources = _sources.Select(s => new LiveSourceCount(s.Key, s.Value.Sum(), s.Value[(int)LiveOfferOutcome.Queued],
                    s.Value.Sum() - s.Value[(int)LiveOfferOutcome.Queued] - s.Value[(int)LiveOfferOutcome.Unmappable], s.Value[(int)LiveOfferOutcome.Unmappable]))
                .OrderByDescending(s => s.Offered).ThenBy(s => s.Source, StringComparer.Ordinal).ToList();
            return new LiveQueueStats(
                _ring.Length,
                _count,
                Interlocked.Read(ref _offered),
                Outcome(LiveOfferOutcome.Queued),
                Outcome(LiveOfferOutcome.DroppedQueueFull),
                Outcome(LiveOfferOutcome.DroppedAboveBaseline),
                Outcome(LiveOfferOutcome.DroppedLowNovelty),
                Outcome(LiveOfferOutcome.Unmappable),
                unmappable,
                new FrequencyFilterStats(_options.FrequencyFilterEnabled, _options.FrequencyWindow.TotalSeconds, _options.FrequencySigmas,
                    _options.FrequencyWarmupWindows, _frequency.Snapshot(now)),
                new NoveltyFilterStats(_options.NoveltyFilterEnabled, _options.MinNovelty, _options.NoveltyWindow.TotalSeconds, _novelty.Tracked),
                sources);
        }
    }

    /// <summary>Events that ended in <paramref name="outcome"/>, for metrics.</summary>
    public long Outcome(LiveOfferOutcome outcome) => Interlocked.Read(ref _outcomes[(int)outcome]);

    /// <summary>Unmappable events of one reason, for metrics.</summary>
    public long UnmappableCount(EveLineOutcome reason) => Interlocked.Read(ref _unmappable[(int)reason]);

    /// <summary>Every event offered, for metrics.</summary>
    public long Offered => Interlocked.Read(ref _offered);

    private LiveOfferOutcome Count(string source, LiveOfferOutcome outcome)
    {
        Interlocked.Increment(ref _outcomes[(int)outcome]);
        lock (_lock)
        {
            if (!_sources.TryGetValue(source, out var counts))
            {
                var key = _sources.Count < _options.MaxTrackedNames ? source : LiveIngestStats.OtherName;
                if (!_sources.TryGetValue(key, out counts))
                {
                    _sources[key] = counts = new long[_outcomes.Length];
                }
            }

            counts[(int)outcome]++;
        }

        return outcome;
    }
}
