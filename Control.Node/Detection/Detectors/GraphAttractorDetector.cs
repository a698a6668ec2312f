using NerfEngine.Control.Detection.Graph;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Control.Detection.Detectors;

/// <summary>
/// Keys on edge structure (edge hash = destination + port + protocol), not on sources: a botnet that
/// rotates its members keeps hitting the same service, so the service is the attractor. Every step
/// (default 1 s) the sliding window (default 5 s) of each edge hash is measured:
/// <list type="bullet">
/// <item>cluster size — distinct sources in the window;</item>
/// <item>infrastructure entropy — Shannon entropy of the sources' networks (IPv4 /16, IPv6 /48 by
/// default) divided by log2(cluster size): 1 when every source comes from a different network, 0 when
/// all share one; sources without a known address share one "unknown" network (no diversity is claimed
/// that cannot be seen);</item>
/// <item>temporal sync — 1 − <see cref="TimingEntropy"/> of the sources' latest contact times;</item>
/// <item>turnover — fraction of the window's sources whose presence began inside the window (a pair
/// idle for longer than the window starts a new presence): ≈1 for rotating members, ≈0 for loyal clients.</item>
/// </list>
/// rotating_botnet fires when cluster size &gt; 40 and infrastructure entropy &gt; 0.8 and temporal
/// sync &gt; 0.75 (all strict, all configurable).
/// </summary>
/// <remarks>
/// <para>A target is reported at most once per window length: consecutive steps overlap by W − step,
/// so re-reporting would repeat the same sources as a new card every step. A target found clearly
/// unsynchronised (sync below half the threshold: a busy service with independent clients) is also
/// re-examined only once per window; a target that just grew past the cluster minimum is examined at
/// the next step.</para>
/// <para>Partitioned by destination node. Per contact: one or two table probes; evaluation runs per
/// step over the pair table sequentially, not per edge.</para>
/// </remarks>
public sealed class GraphAttractorDetector : IEdgeDetector, IAttractorCensus
{
    private readonly ThresholdSet _thresholds;
    private readonly IDetectionSink _sink;
    private readonly NodeDirectory? _directory;
    private readonly IMetricsSnapshotSource? _metrics;
    private readonly SourceWindowTable _table;
    private readonly SourceSample _sample = new();
    private readonly SourceGroups _groups = new();
    private readonly DetectionCooldown _cooldown = new();
    private DetectionThresholds _t;
    private long _windowNs;
    private long _stepNs;
    private long _watermark = long.MinValue;
    private long _nextTick = long.MaxValue;   // end of the next step; MaxValue before the first contact
    private long _edges, _contacts, _detections, _cooledDown;

    /// <summary>Creates the detector.</summary>
    /// <param name="thresholds">Window, step and the three rotating-botnet thresholds; re-read every step.</param>
    /// <param name="sink">Receives detections synchronously.</param>
    /// <param name="directory">Resolves source addresses to networks for infrastructure entropy.</param>
    /// <param name="metrics">Shared snapshot attached to detections as context.</param>
    public GraphAttractorDetector(ThresholdSet thresholds, IDetectionSink sink, NodeDirectory? directory = null, IMetricsSnapshotSource? metrics = null)
    {
        _thresholds = thresholds;
        _sink = sink;
        _directory = directory;
        _metrics = metrics;
        _t = thresholds.Current;
        _windowNs = DetectionThresholds.Ns(_t.AttractorWindow);
        _stepNs = DetectionThresholds.Ns(_t.AttractorStep);
        _table = new SourceWindowTable(_t.AttractorMaxTrackedPairs, linked: false);
    }

    /// <inheritdoc />
    public string Name => DetectorNames.GraphAttractor;

    /// <inheritdoc />
    public DetectorPartition PartitionKey => DetectorPartition.DestinationNode;

    /// <inheritdoc />
    public DetectorCounters Counters => new(_edges, _contacts, _detections, _cooledDown, _table.Refused);

    /// <inheritdoc />
    public int ActiveAttractorCount { get; private set; }

    /// <summary>
    /// Folds a batch in, contact by contact (see <see cref="ContactRuns"/>). The pair table outgrows the
    /// caches (a 5 s window), so a lookup is two dependent misses: contacts further ahead get their
    /// buckets prefetched, nearer ones the entries those buckets point at.
    /// </summary>
    public void Observe(ReadOnlySpan<GraphEdge> batch) => ContactRuns.Observe(batch, new Stage(this), SourceWindowTable.PrefetchDistance);

    /// <summary>This detector as a <see cref="ContactRuns"/> stage; its prefetch runs two stages.</summary>
    private readonly struct Stage(GraphAttractorDetector d) : IContactStage
    {
        public long Watermark { get => d._watermark; set => d._watermark = value; }

        public long WorkDueNs => d._nextTick;

        public void CountRecords(int records) => d._edges += records;

        public void DoWork(long nowNs) => d.Ticks(nowNs);

        public ContactHashes Hash(in GraphEdge contact) => HashesOf(contact);

        public void PrefetchEarly(in ContactHashes hashes) => d._table.Prefetch(hashes.A, hashes.B);

        public void Prefetch(in ContactHashes hashes) => d._table.PrefetchEntries(hashes.A, hashes.B);

        public void Observe(in GraphEdge contact, in ContactHashes hashes) => d.ObserveContact(contact, hashes);
    }

    /// <summary>The (edge hash, source) pair's hash and the edge hash's.</summary>
    private static ContactHashes HashesOf(in GraphEdge contact) => new()
    {
        A = SourceWindowTable.PairHash(contact.EdgeHash, contact.SrcNode), B = SourceWindowTable.TargetHash(contact.EdgeHash),
    };

    /// <inheritdoc />
    public void Observe(in GraphEdge edge)
    {
        _edges++;
        long ts = (long)edge.TimestampNs;
        if (ts - 1 > _watermark)
        {
            // Inlined Advance: nearly every record moves the watermark, few reach the next step.
            _watermark = ts - 1;
            if (ts - 1 >= _nextTick)
            {
                Ticks(ts - 1);
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
        if (_nextTick == long.MaxValue)
        {
            _nextTick = ts - HypergraphMetricsCollector.Mod(ts, _stepNs) + _stepNs;
        }

        _table.Record(edge.EdgeHash, edge, ts, keepPort: true, hashes.A, hashes.B);
    }

    /// <inheritdoc />
    public void Advance(long nowNs)
    {
        if (nowNs <= _watermark)
        {
            return;
        }

        _watermark = nowNs;
        if (nowNs >= _nextTick)
        {
            Ticks(nowNs);
        }
    }

    private void Ticks(long nowNs)
    {
        while (_nextTick != long.MaxValue && _nextTick <= nowNs)
        {
            long tick = _nextTick;
            Tick(tick);
            _nextTick = tick + _stepNs;
            if (_table.PairCount == 0 && _nextTick <= nowNs)
            {
                // Idle gap: nothing left to evaluate, jump to the next step after now.
                _nextTick = nowNs - HypergraphMetricsCollector.Mod(nowNs, _stepNs) + _stepNs;
            }
        }
    }

    private void Tick(long end)
    {
        ActiveAttractorCount = _table.ExpireAndGroupSources(_t.AttractorMinClusterSize, end - _windowNs, end, _groups);
        for (int g = 0; g < _groups.GroupCount; g++)
        {
            _groups.Load(g, _sample);
            Evaluate(_groups.TargetOf(g), end);
        }

        _t = _thresholds.Current;
        _windowNs = DetectionThresholds.Ns(_t.AttractorWindow);
        _stepNs = DetectionThresholds.Ns(_t.AttractorStep);
    }

    private void Evaluate(int slot, long end)
    {
        ref SourceWindowTable.Target target = ref _table.TargetAt(slot);
        long start = end - _windowNs;
        int n = _sample.Count; // loaded by Tick: this target's sources last seen in [start, end]
        if (n <= _t.AttractorMinClusterSize)
        {
            return;
        }

        // Sync first: it needs no directory lookups, and busy legitimate services fail it.
        double timing = TimingEntropy.NormalisedOverSpan(_sample.LastTimesCopy(), _windowNs, _t.TimingBinsPerMeanGap);
        double sync = 1 - timing;
        if (!(sync > _t.AttractorMinTemporalSync))
        {
            if (sync < _t.AttractorMinTemporalSync / 2)
            {
                target.SkipUntilNs = end + _windowNs; // clearly unsynchronised: look again next window
            }

            return;
        }

        double infra = InfrastructureEntropy(n);
        if (!(infra > _t.AttractorMinInfraEntropy))
        {
            return;
        }

        if (!_cooldown.TryPass(DetectionVerdict.RotatingBotnet, end, DetectionThresholds.Ns(_t.Cooldown)))
        {
            _cooledDown++;
            _sink.OnCooledDown(Name, DetectionVerdict.RotatingBotnet, end);
            return;
        }

        int fresh = 0;
        foreach (long first in _sample.FirstNs.AsSpan(0, n))
        {
            fresh += first >= start ? 1 : 0;
        }

        target.SkipUntilNs = end + _windowNs;
        _detections++;
        _sink.OnDetection(new Detection
        {
            Detector = Name,
            Verdict = DetectionVerdict.RotatingBotnet,
            Pattern = "rotating",
            SubjectNode = target.Dst,
            NodeIds = _sample.NodeIds(target.Dst, _t.MaxReportedNodes),
            NodeCount = n + 1,
            WindowStartNs = start,
            WindowEndNs = end,
            Measures = new DetectionMeasures
            {
                ClusterSize = n,
                SourceCount = n,
                ContactCount = _sample.TotalContacts(),
                SourceEntropyBits = Entropy.Bits(_sample.Contacts.AsSpan(0, n)),
                InfraEntropy = infra,
                TimingEntropy = timing,
                TemporalSync = sync,
                Turnover = (double)fresh / n,
                DstPort = target.DstPort,
                Protocol = target.Protocol,
            },
            Context = _metrics?.At(end),
        });
    }

    private double InfrastructureEntropy(int n)
    {
        Span<ulong> networks = _sample.ScratchKeys.AsSpan(0, n);
        for (int i = 0; i < n; i++)
        {
            networks[i] = _directory is not null
                && _directory.TryGetNetworkKey(_sample.Sources[i], _t.InfraPrefixBitsIpv4, _t.InfraPrefixBitsIpv6, out ulong key)
                ? key
                : 0UL;
        }

        networks.Sort();
        return Entropy.NormalisedOfSortedRuns<ulong>(networks);
    }
}
