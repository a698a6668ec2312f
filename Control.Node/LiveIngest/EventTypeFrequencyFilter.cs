using System.Diagnostics;

namespace NerfEngine.Control.LiveIngest;

/// <summary>
/// SPEC §8's event-type frequency filter: an event is dropped while its type arrives faster than the type's learned
/// baseline + k·sigma (k = <see cref="LiveIngestOptions.FrequencySigmas"/>, the SPEC's "+ sigma" by default).
/// </summary>
/// <remarks>
/// <para><b>Rate.</b> Arrivals of a type are counted over a sliding window W (<see cref="LiveIngestOptions.FrequencyWindow"/>)
/// kept in B buckets. The arriving event is counted first, so a burst is cut at the threshold: the events up to it pass,
/// the excess is dropped.</para>
/// <para><b>Baseline.</b> Each completed tumbling window of length W is one sample (silent windows are samples of 0).
/// Mean and variance are exponentially weighted with weight max(2/(N+1), 1/n) for the n-th sample: the first N samples
/// average equally, later ones forget with a memory of about N windows (<see cref="LiveIngestOptions.FrequencyBaselineWindows"/>).
/// A sample teaches at most mean + <see cref="LiveIngestOptions.FrequencyBaselineClampSigmas"/>·sigma: a one-off burst
/// cannot teach that bursts are normal, while a lasting higher level is learned within a few windows. The window in
/// which a type first appears is partial and is not a sample.</para>
/// <para><b>Warm-up.</b> Until a type has <see cref="LiveIngestOptions.FrequencyWarmupWindows"/> samples nothing of it is
/// dropped: with fewer there is no baseline to be above, and dropping a new source's first minute would lose exactly what is
/// new. A type silent for <see cref="LiveIngestOptions.FrequencyIdleReset"/> starts over (its old baseline is stale).</para>
/// <para><b>Sigma floor.</b> Independent arrivals are Poisson-like (variance ≈ mean), so sigma is taken as at least
/// √mean and at least 1: machine-regular traffic (sigma ≈ 0) must not be dropped for one event of jitter.</para>
/// Not thread-safe: one caller at a time (the <see cref="LiveIngestQueue"/>'s lock).
/// </remarks>
public sealed class EventTypeFrequencyFilter
{
    /// <summary>Smallest sigma the threshold uses, in events per window.</summary>
    public const double MinSigma = 1.0;

    private readonly LiveIngestOptions _options;
    private readonly long _windowTicks;
    private readonly long _bucketTicks;
    private readonly double _alpha;
    private readonly Dictionary<string, TypeRate> _types = new(StringComparer.Ordinal);

    public EventTypeFrequencyFilter(LiveIngestOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _windowTicks = options.FrequencyWindow.Ticks;
        _bucketTicks = _windowTicks / options.FrequencyBuckets;
        _alpha = 2.0 / (options.FrequencyBaselineWindows + 1);
    }

    /// <summary>Counts one arrival of <paramref name="type"/> at <paramref name="nowTicks"/> (UTC ticks) and judges it.</summary>
    /// <returns>True when the event passes; false when its type is above baseline + k·sigma.</returns>
    public bool Observe(string type, long nowTicks)
    {
        var rate = Rate(type, nowTicks);
        rate.Count(nowTicks);
        var passes = rate.Samples < _options.FrequencyWarmupWindows || rate.SlidingCount(nowTicks) <= Threshold(rate, _options.FrequencySigmas);
        if (passes) rate.Passed++;
        else rate.Dropped++;
        return passes;
    }

    /// <summary>The per-type view for stats, busiest first.</summary>
    public IReadOnlyList<EventTypeRate> Snapshot(long nowTicks) =>
        _types.Select(pair =>
        {
            var r = pair.Value;
            r.Roll(nowTicks);
            var warm = r.Samples >= _options.FrequencyWarmupWindows;
            return new EventTypeRate(pair.Key, r.SlidingCount(nowTicks), Math.Round(r.Mean, 3), Math.Round(Sigma(r), 3),
                warm ? Math.Round(Threshold(r, _options.FrequencySigmas), 3) : null, !warm, r.Samples, r.Passed, r.Dropped);
        }).OrderByDescending(r => r.Passed + r.Dropped).ThenBy(r => r.Type, StringComparer.Ordinal).ToList();

    private static double Sigma(TypeRate r) => Math.Max(Math.Sqrt(Math.Max(r.Variance, 0)), Math.Max(Math.Sqrt(Math.Max(r.Mean, 0)), MinSigma));

    private static double Threshold(TypeRate r, double sigmas) => r.Mean + (sigmas * Sigma(r));

    private TypeRate Rate(string type, long nowTicks)
    {
        if (!_types.TryGetValue(type, out var rate))
        {
            var key = _types.Count < _options.MaxTrackedNames ? type : LiveIngestStats.OtherName;
            if (!_types.TryGetValue(key, out rate))
            {
                _types[key] = rate = new TypeRate(this, nowTicks);
            }
        }

        if (nowTicks - rate.LastArrival >= _options.FrequencyIdleReset.Ticks)
        {
            rate.Reset(nowTicks);
        }

        rate.Roll(nowTicks);
        return rate;
    }

    /// <summary>One type's sliding count, tumbling window and baseline.</summary>
    private sealed class TypeRate
    {
        private readonly EventTypeFrequencyFilter _filter;
        private readonly long[] _bucketCounts;

        /// <summary>Bucket number (time / bucket width) each slot of <see cref="_bucketCounts"/> holds.</summary>
        private readonly long[] _bucketEpochs;

        /// <summary>Tumbling window (time / W) being counted; its count becomes a sample when it closes.</summary>
        private long _window;
        private long _windowCount;

        /// <summary>The current window is the one the type first appeared in (partial: not a sample).</summary>
        private bool _firstWindow;

        public TypeRate(EventTypeFrequencyFilter filter, long nowTicks)
        {
            _filter = filter;
            _bucketCounts = new long[filter._options.FrequencyBuckets];
            _bucketEpochs = new long[filter._options.FrequencyBuckets];
            Reset(nowTicks);
        }

        public long LastArrival { get; private set; }
        public int Samples { get; private set; }
        public double Mean { get; private set; }
        public double Variance { get; private set; }
        public long Passed;
        public long Dropped;

        public void Reset(long nowTicks)
        {
            Array.Fill(_bucketEpochs, long.MinValue);
            Array.Clear(_bucketCounts);
            _window = nowTicks / _filter._windowTicks;
            _windowCount = 0;
            _firstWindow = true;
            Samples = 0;
            Mean = 0;
            Variance = 0;
            LastArrival = nowTicks;
        }

        /// <summary>Closes the tumbling windows that ended before <paramref name="nowTicks"/>, feeding each to the baseline.</summary>
        public void Roll(long nowTicks)
        {
            var window = nowTicks / _filter._windowTicks;
            if (window <= _window) return;
            var options = _filter._options;
            if (!_firstWindow) Learn(_windowCount);

            // Silent windows are samples of zero; beyond the idle reset the type starts over anyway.
            var silent = Math.Min(window - _window - 1, (options.FrequencyIdleReset.Ticks / _filter._windowTicks) + 1);
            for (var i = 0; i < silent; i++) Learn(0);
            _window = window;
            _windowCount = 0;
            _firstWindow = false;
        }

        public void Count(long nowTicks)
        {
            var epoch = nowTicks / _filter._bucketTicks;
            var slot = (int)(epoch % _bucketCounts.Length);
            if (_bucketEpochs[slot] != epoch)
            {
                _bucketEpochs[slot] = epoch;
                _bucketCounts[slot] = 0;
            }

            _bucketCounts[slot]++;
            _windowCount++;
            LastArrival = nowTicks;
        }

        /// <summary>Arrivals in the last W (the current bucket and the B − 1 before it).</summary>
        public long SlidingCount(long nowTicks)
        {
            var oldest = (nowTicks / _filter._bucketTicks) - _bucketCounts.Length;
            long sum = 0;
            for (var i = 0; i < _bucketCounts.Length; i++)
            {
                if (_bucketEpochs[i] > oldest) sum += _bucketCounts[i];
            }

            return sum;
        }

        private void Learn(long count)
        {
            double sample = count;
            var options = _filter._options;
            if (Samples >= options.FrequencyWarmupWindows)
            {
                sample = Math.Min(sample, Threshold(this, options.FrequencyBaselineClampSigmas));
            }

            Samples++;
            var alpha = Math.Max(_filter._alpha, 1.0 / Samples);
            var diff = sample - Mean;
            var increment = alpha * diff;
            Mean += increment;
            Variance = (1 - alpha) * (Variance + (diff * increment));
            Debug.Assert(Variance >= -1e-9, "EWMA variance stays non-negative");
        }
    }
}

/// <summary>One event type's rate against its baseline (events per frequency window).</summary>
/// <param name="Type">Event type ("(other)" for types beyond the tracked bound).</param>
/// <param name="Rate">Arrivals in the last window.</param>
/// <param name="BaselineMean">Learned mean arrivals per window.</param>
/// <param name="BaselineSigma">Learned standard deviation (floored, see the filter).</param>
/// <param name="Threshold">Above this the type's events are dropped; null while warming up.</param>
/// <param name="WarmingUp">Too few windows seen to judge: everything passes.</param>
/// <param name="BaselineWindows">Windows learned from.</param>
/// <param name="Passed">Events that passed this filter.</param>
/// <param name="Dropped">Events dropped as above baseline.</param>
public sealed record EventTypeRate(
    string Type, long Rate, double BaselineMean, double BaselineSigma, double? Threshold, bool WarmingUp, int BaselineWindows, long Passed, long Dropped);
