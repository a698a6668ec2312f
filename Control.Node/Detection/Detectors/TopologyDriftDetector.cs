using System.Collections.Immutable;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Control.Detection.Tables;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Control.Detection.Detectors;

/// <summary>
/// Per-window degree drift of each node (tumbling event-time windows, default 1 s). Contacts (OPEN
/// records) are counted as distinct destinations and distinct services (dst, port, protocol) per
/// source, and distinct sources per destination; at each window close the degrees are compared
/// with the previous window:
/// <list type="bullet">
/// <item>lateral — an internal source's distinct internal destinations on admin ports grew by
/// ≥ LateralMinHosts ("admin_ports"), or its internal destinations on any port did ("fan_out");
/// checked first because it is the more specific finding;</item>
/// <item>scanner — a source's service out-degree grew by ≥ ScannerDeltaThreshold; "vertical" when
/// one destination holds at least half of the services, "horizontal" when one port does, else "mixed";</item>
/// <item>aggregator — a destination's in-degree grew by ≥ AggregatorDeltaThreshold.</item>
/// </list>
/// Score = min(cap, base + slope·(delta − threshold)/threshold): exactly the base (0.80 for scanner and
/// lateral) at the threshold, +0.19 per threshold-width beyond, capped at 0.99.
/// </summary>
/// <remarks>
/// Partitioned by source node. Aggregator in-degrees are exact when one instance sees all sources of
/// a destination (embedded mode); on a source-partitioned shard they are a per-shard lower bound.
/// Candidates are emitted strongest first, so the cooldown keeps the most severe finding of a window.
/// </remarks>
public sealed partial class TopologyDriftDetector : IEdgeDetector
{
    private struct NodeWindow
    {
        public NodeClass Class;
        public bool Present, PrevPresent;
        public int OutDsts, OutServices, MaxPortsOnOneDst, InSrcs, InternalDsts, AdminInternalDsts;
        public int PrevOutServices, PrevInSrcs, PrevInternalDsts, PrevAdminInternalDsts;
    }

    private struct PairStats
    {
        public int Services;
        public bool Internal;
        public bool AdminCounted;
    }

    private readonly record struct Candidate(
        ulong Node, DetectionVerdict Verdict, string Pattern, int Delta, double Score,
        int OutDsts, int OutServices, int InSrcs);

    private readonly ThresholdSet _thresholds;
    private readonly IDetectionSink _sink;
    private readonly NodeDirectory? _directory;
    private readonly IMetricsSnapshotSource? _metrics;
    private const int PrefetchDistance = 8;
    private const string UnresolvedShape = "";

    private readonly ProbeTable<TripleKey, NoValue> _services;  // (src, dst, port|proto<<16) this window
    private readonly ProbeTable<PairKey, PairStats> _pairs;     // (src, dst) this window
    private ProbeTable<IdKey, NodeWindow> _nodes;               // this window, plus last window's degrees
    private ProbeTable<IdKey, NodeWindow> _nextNodes;           // survivors are copied here at window close
    private readonly List<Candidate> _candidates = new();
    private readonly DetectionCooldown _cooldown = new();
    private DetectionThresholds _t;
    private bool[] _adminPorts = new bool[65536];
    private long _windowNs;
    private long _windowStart = long.MinValue;
    private long _watermark = long.MinValue;
    private long _edges, _contacts, _detections, _cooledDown, _refused;

    /// <summary>Creates the detector.</summary>
    /// <param name="thresholds">Windows and thresholds; re-read at every window close.</param>
    /// <param name="sink">Receives detections synchronously.</param>
    /// <param name="directory">Classifies nodes for lateral movement; without it nothing is internal.</param>
    /// <param name="metrics">Shared snapshot attached to detections as context.</param>
    public TopologyDriftDetector(ThresholdSet thresholds, IDetectionSink sink, NodeDirectory? directory = null, IMetricsSnapshotSource? metrics = null)
    {
        _thresholds = thresholds;
        _sink = sink;
        _directory = directory;
        _metrics = metrics;
        _t = thresholds.Current;
        _services = new ProbeTable<TripleKey, NoValue>(16_384, _t.DriftMaxTrackedContacts);
        _pairs = new ProbeTable<PairKey, PairStats>(16_384, _t.DriftMaxTrackedContacts);
        _nodes = new ProbeTable<IdKey, NodeWindow>(16_384);
        _nextNodes = new ProbeTable<IdKey, NodeWindow>(16_384);
        ApplyThresholds();
    }

    /// <inheritdoc />
    public string Name => DetectorNames.TopologyDrift;

    /// <inheritdoc />
    public DetectorPartition PartitionKey => DetectorPartition.SourceNode;

    /// <inheritdoc />
    public DetectorCounters Counters => new(_edges, _contacts, _detections, _cooledDown, _refused);

    /// <summary>Folds a batch in, prefetching contact-table slots a few records ahead.</summary>
    public void Observe(ReadOnlySpan<GraphEdge> batch)
    {
        for (int i = 0; i < batch.Length; i++)
        {
            if (i + PrefetchDistance < batch.Length && batch[i + PrefetchDistance].Kind == EdgeKind.Open)
            {
                ref readonly GraphEdge ahead = ref batch[i + PrefetchDistance];
                _services.Prefetch(new TripleKey(ahead.SrcNode, ahead.DstNode, ServiceOf(ahead)));
                _pairs.Prefetch(new PairKey(ahead.SrcNode, ahead.DstNode));
                _nodes.Prefetch(new IdKey(ahead.SrcNode));
                _nodes.Prefetch(new IdKey(ahead.DstNode));
            }

            Observe(batch[i]);
        }
    }

    /// <inheritdoc />
    public void Observe(in GraphEdge edge)
    {
        _edges++;
        long ts = (long)edge.TimestampNs;
        if (ts - 1 > _watermark)
        {
            Advance(ts - 1);
        }

        if (edge.Kind != EdgeKind.Open)
        {
            return;
        }

        if (_windowStart == long.MinValue)
        {
            _windowStart = ts - HypergraphMetricsCollector.Mod(ts, _windowNs);
        }

        _contacts++;
        ulong service = ServiceOf(edge);
        int known = _services.FindOrAdd(new TripleKey(edge.SrcNode, edge.DstNode, service), out bool newService);
        if (known < 0)
        {
            _refused++;
            return;
        }

        if (!newService)
        {
            return; // a repeat of a contact already counted this window
        }

        CountNewService(edge);
    }

    private static ulong ServiceOf(in GraphEdge edge) => edge.DstPort | ((ulong)edge.Protocol << 16);

    private void CountNewService(in GraphEdge edge)
    {
        _nodes.EnsureRoom(2); // both node slots must stay valid while both are in use
        int src = NodeSlot(edge.SrcNode);
        int pair = _pairs.FindOrAdd(new PairKey(edge.SrcNode, edge.DstNode), out bool newPair);
        int dst = newPair ? NodeSlot(edge.DstNode) : -1;
        if (pair < 0)
        {
            _refused++;
            return;
        }

        ref NodeWindow s = ref _nodes.ValueAt(src);
        ref PairStats p = ref _pairs.ValueAt(pair);
        s.OutServices++;
        if (newPair)
        {
            ref NodeWindow d = ref _nodes.ValueAt(dst);
            s.OutDsts++;
            d.InSrcs++;
            p.Internal = s.Class == NodeClass.Internal && d.Class == NodeClass.Internal;
            if (p.Internal)
            {
                s.InternalDsts++;
            }
        }

        p.Services++;
        s.MaxPortsOnOneDst = Math.Max(s.MaxPortsOnOneDst, p.Services);
        if (p.Internal && !p.AdminCounted && _adminPorts[edge.DstPort])
        {
            p.AdminCounted = true;
            s.AdminInternalDsts++;
        }
    }

    private int NodeSlot(ulong node)
    {
        int slot = _nodes.FindOrAdd(new IdKey(node), out bool added);
        ref NodeWindow n = ref _nodes.ValueAt(slot);
        if (added)
        {
            n.Class = _directory?.Classify(node) ?? NodeClass.Unknown;
        }

        n.Present = true;
        return slot;
    }

    /// <inheritdoc />
    public void Advance(long nowNs)
    {
        if (nowNs <= _watermark)
        {
            return;
        }

        _watermark = nowNs;
        while (_windowStart != long.MinValue && nowNs >= _windowStart + _windowNs - 1)
        {
            CloseWindow(_windowStart + _windowNs);
            if (_nodes.Count == 0)
            {
                _windowStart = nowNs + 1 - HypergraphMetricsCollector.Mod(nowNs + 1, _windowNs);
            }
        }
    }

    private void ApplyThresholds()
    {
        _windowNs = DetectionThresholds.Ns(_t.DriftWindow);
        Array.Clear(_adminPorts);
        foreach (ushort port in _t.LateralAdminPorts)
        {
            _adminPorts[port] = true;
        }
    }
}
