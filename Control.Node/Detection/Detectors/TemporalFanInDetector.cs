using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Control.Detection.Detectors;

/// <summary>
/// Many distinct sources contacting one target (destination + port + protocol, or the destination
/// alone) inside a short sliding event-time window (default 200 ms). Fires when the distinct-source
/// count reaches the minimum (default 50) and reports the source count, ip_H (Shannon entropy, bits,
/// over source node ids, each source weighted by its contacts since it appeared: 120 sources with
/// one contact each give log2 120 = 6.91) and timing_H (<see cref="TimingEntropy"/> of the sources' latest contact times).
/// timing_H ≤ 0.3 is botnet_coordination; anything else is fan_in, so a CDN or flash crowd with
/// independent arrivals is never called a botnet.
/// </summary>
/// <remarks>
/// <para>When does a target get evaluated? When its distinct count first reaches the minimum at time
/// t_a, an evaluation is scheduled for D = max(t_oldest + W, t_a + W/2, previous D + W), t_oldest being
/// the oldest source still in the window: the window [D − W, D] then still holds the burst's first
/// sources and everything that followed within W, so a burst is reported whole (120 sources, not
/// the 50 that crossed the threshold) and a busy target is evaluated at most once per window.</para>
/// <para>Partitioned by destination node. Per contact: two table probes; nothing allocated.</para>
/// </remarks>
public sealed class TemporalFanInDetector : IEdgeDetector
{
    private readonly ThresholdSet _thresholds;
    private readonly IDetectionSink _sink;
    private readonly IMetricsSnapshotSource? _metrics;
    private readonly SourceWindowTable _table;
    private readonly PriorityQueue<int, long> _due = new();
    private readonly SourceSample _sample = new();
    private readonly DetectionCooldown _cooldown = new();
    private DetectionThresholds _t;
    private long _windowNs;
    private long _watermark = long.MinValue;
    private long _nextSweep = long.MinValue;
    private long _nextWorkNs = long.MaxValue;   // earliest of the next sweep and the next due evaluation
    private long _edges, _contacts, _detections, _cooledDown;

    /// <summary>Creates the detector.</summary>
    /// <param name="thresholds">Window, minimum sources, timing threshold; re-read at every sweep.</param>
    /// <param name="sink">Receives detections synchronously.</param>
    /// <param name="metrics">Shared snapshot attached to detections as context.</param>
    public TemporalFanInDetector(ThresholdSet thresholds, IDetectionSink sink, IMetricsSnapshotSource? metrics = null)
    {
        _thresholds = thresholds;
        _sink = sink;
        _metrics = metrics;
        _t = thresholds.Current;
        _windowNs = DetectionThresholds.Ns(_t.FanInWindow);
        _table = new SourceWindowTable(_t.FanInMaxTrackedPairs);
    }

    /// <inheritdoc />
    public string Name => DetectorNames.TemporalFanIn;

    /// <inheritdoc />
    public DetectorPartition PartitionKey => DetectorPartition.DestinationNode;

    /// <inheritdoc />
    public DetectorCounters Counters => new(_edges, _contacts, _detections, _cooledDown, _table.Refused);

    /// <summary>
    /// Folds a batch in, contact by contact (see <see cref="ContactRuns"/>). A lookup is two dependent
    /// misses (bucket, entry): the window is short and the tables small, but the other stages evict
    /// them between batches, so contacts further ahead get their buckets prefetched, nearer ones the
    /// entries those buckets point at.
    /// </summary>
    public void Observe(ReadOnlySpan<GraphEdge> batch) => ContactRuns.Observe(batch, new Stage(this), SourceWindowTable.PrefetchDistance);

    /// <summary>This detector as a <see cref="ContactRuns"/> stage; its prefetch runs two stages.</summary>
    private readonly struct Stage(TemporalFanInDetector d) : IContactStage
    {
        public long Watermark { get => d._watermark; set => d._watermark = value; }

        public long WorkDueNs => d._nextWorkNs;

        public void CountRecords(int records) => d._edges += records;

        public void DoWork(long nowNs) => d.DueWork(nowNs);

        public ContactHashes Hash(in GraphEdge contact) => d.HashesOf(contact);

        public void PrefetchEarly(in ContactHashes hashes) => d._table.Prefetch(hashes.A, hashes.B);

        public void Prefetch(in ContactHashes hashes) => d._table.PrefetchEntries(hashes.A, hashes.B);

        public void Observe(in GraphEdge contact, in ContactHashes hashes) => d.ObserveContact(contact, hashes);
    }

    /// <summary>The (target, source) pair's hash and the target's.</summary>
    private ContactHashes HashesOf(in GraphEdge contact)
    {
        ulong target = TargetKey(contact);
        return new ContactHashes { A = SourceWindowTable.PairHash(target, contact.SrcNode), B = SourceWindowTable.TargetHash(target) };
    }

    /// <inheritdoc />
    public void Observe(in GraphEdge edge)
    {
        _edges++;
        long ts = (long)edge.TimestampNs;
        if (ts - 1 > _watermark)
        {
            // Inlined Advance: nearly every record moves the watermark, few have work due.
            _watermark = ts - 1;
            if (ts - 1 >= _nextWorkNs)
            {
                DueWork(ts - 1);
            }
        }

        if (edge.Kind == EdgeKind.Open)
        {
            ObserveContact(edge, HashesOf(edge));
        }
    }

    private void ObserveContact(in GraphEdge edge, in ContactHashes hashes)
    {
        long ts = (long)edge.TimestampNs;
        _contacts++;
        if (_nextSweep == long.MinValue)
        {
            _nextSweep = ts + _windowNs / 2;
            _nextWorkNs = Math.Min(_nextWorkNs, _nextSweep);
        }

        int t = _table.Record(TargetKey(edge), edge, ts, _t.FanInKeyByPort, hashes.A, hashes.B);
        if (t < 0)
        {
            return; // a source already in the window (or refused): the distinct count did not change
        }

        ref SourceWindowTable.Target target = ref _table.TargetAt(t);
        if (!target.Armed && target.Distinct >= _t.FanInMinSources)
        {
            long oldest = _table.OldestLastSeen(t, ts - _windowNs);
            long due = Math.Max(Math.Max(oldest + _windowNs, ts + _windowNs / 2), target.LastEvaluatedNs + _windowNs);
            target.Armed = true;
            _due.Enqueue(t, due);
            _nextWorkNs = Math.Min(_nextWorkNs, due);
        }
    }

    private ulong TargetKey(in GraphEdge edge) => _t.FanInKeyByPort ? edge.EdgeHash : edge.DstNode;

    /// <inheritdoc />
    public void Advance(long nowNs)
    {
        if (nowNs <= _watermark)
        {
            return;
        }

        _watermark = nowNs;
        if (nowNs >= _nextWorkNs)
        {
            DueWork(nowNs);
        }
    }

    /// <summary>Runs the evaluations due by <paramref name="nowNs"/> and the periodic sweep.</summary>
    private void DueWork(long nowNs)
    {
        while (_due.TryPeek(out int t, out long due) && due <= nowNs)
        {
            _due.Dequeue();
            Evaluate(t, due);
        }

        if (_nextSweep != long.MinValue && nowNs >= _nextSweep)
        {
            // Scheduled evaluations always lie ahead of now − W, so nothing they need is dropped.
            _table.ExpireBefore(nowNs - _windowNs);
            _t = _thresholds.Current;
            _windowNs = DetectionThresholds.Ns(_t.FanInWindow);
            _nextSweep = nowNs + _windowNs / 2;
        }

        _nextWorkNs = _nextSweep == long.MinValue ? long.MaxValue : _nextSweep;
        if (_due.TryPeek(out _, out long next))
        {
            _nextWorkNs = Math.Min(_nextWorkNs, next);
        }
    }

    private void Evaluate(int slot, long end)
    {
        ref SourceWindowTable.Target target = ref _table.TargetAt(slot);
        target.Armed = false;
        target.LastEvaluatedNs = end;
        long start = end - _windowNs;
        _table.Collect(slot, start, end, _sample);
        int n = _sample.Count;
        if (n < _t.FanInMinSources)
        {
            return;
        }

        double timing = TimingEntropy.Normalised(_sample.LastTimesCopy(), _windowNs, _t.TimingBinsPerMeanGap);
        double ipEntropy = Entropy.Bits(_sample.Contacts.AsSpan(0, n));
        bool botnet = timing <= _t.BotnetMaxTimingEntropy;
        DetectionVerdict verdict = botnet ? DetectionVerdict.BotnetCoordination : DetectionVerdict.FanIn;
        if (!_cooldown.TryPass(verdict, end, DetectionThresholds.Ns(_t.Cooldown)))
        {
            _cooledDown++;
            _sink.OnCooledDown(Name, verdict, end);
            return;
        }

        _detections++;
        _sink.OnDetection(new Detection
        {
            Detector = Name,
            Verdict = verdict,
            Pattern = botnet ? "synchronised" : "unsynchronised",
            SubjectNode = target.Dst,
            NodeIds = _sample.NodeIds(target.Dst, _t.MaxReportedNodes),
            NodeCount = n + 1,
            WindowStartNs = start,
            WindowEndNs = end,
            Measures = new DetectionMeasures
            {
                SourceCount = n,
                ContactCount = _sample.TotalContacts(),
                SourceEntropyBits = ipEntropy,
                TimingEntropy = timing,
                TemporalSync = 1 - timing,
                DstPort = _t.FanInKeyByPort ? target.DstPort : null,
                Protocol = _t.FanInKeyByPort ? target.Protocol : null,
            },
            Context = _metrics?.At(end),
        });
    }
}
