using System.Collections.Immutable;
using System.Runtime.InteropServices;
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
/// <para>Partitioned by source node. Aggregator in-degrees are exact when one instance sees all sources of
/// a destination (embedded mode); on a source-partitioned shard they are a per-shard lower bound.
/// Candidates are emitted strongest first, so the cooldown keeps the most severe finding of a window.</para>
/// <para>Per contact: one probe of the (src, dst) table, which also holds the pair's first service
/// (most pairs have one per window, so the service set is only probed for the second and later), and
/// one or two node probes for a new service. The tables are epoch-stamped
/// (<see cref="EpochTable{TKey, TValue}"/>): a window close neither clears nor copies them; a node's
/// previous-window degrees roll over on its first contact of the new window.</para>
/// </remarks>
public sealed partial class TopologyDriftDetector : IEdgeDetector
{
    private const int Current = EpochAge.Current;
    private const int Previous = EpochAge.Previous;
    private const int Stale = EpochAge.Stale;

    /// <summary>Padded to 52 bytes so a table slot (key, epoch, window) is exactly one 64-byte cache line.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 52)]
    private struct NodeWindow
    {
        public NodeClass Class;
        public bool PrevPresent;
        public int OutDsts, OutServices, MaxPortsOnOneDst, InSrcs, InternalDsts, AdminInternalDsts;
        public int PrevOutServices, PrevInSrcs, PrevInternalDsts, PrevAdminInternalDsts;
    }

    private struct PairStats
    {
        public int Services;
        public uint FirstService;   // the pair's first service this window; later ones go to _extraServices
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

    /// <summary>Contacts looked ahead when prefetching.</summary>
    private const int PrefetchDistance = 8;
    private const string UnresolvedShape = "";

    private readonly EpochTable<PairKey, PairStats> _pairs;          // (src, dst) this window
    private readonly EpochTable<TripleKey, NoValue> _extraServices;  // (src, dst, port|proto<<16) beyond each pair's first
    private readonly EpochTable<IdKey, NodeWindow> _nodes;           // this window's, with last window's degrees
    private readonly int _maxServices;
    private readonly List<Candidate> _candidates = new();
    private readonly DetectionCooldown _cooldown = new();
    private DetectionThresholds _t;
    private bool[] _adminPorts = new bool[65536];
    private long _windowNs;
    private long _windowStart = long.MinValue;
    private long _closeAtNs = long.MaxValue;  // watermark at which the current window closes
    private long _watermark = long.MinValue;
    private int _services;                    // distinct (src, dst, service) contacts this window
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
        _maxServices = _t.DriftMaxTrackedContacts;
        _pairs = new EpochTable<PairKey, PairStats>(16_384, trackOrder: true, keepPrevious: false);
        _extraServices = new EpochTable<TripleKey, NoValue>(1_024, trackOrder: true, keepPrevious: false);
        _nodes = new EpochTable<IdKey, NodeWindow>(16_384, trackOrder: true);
        ApplyThresholds();
    }

    /// <inheritdoc />
    public string Name => DetectorNames.TopologyDrift;

    /// <inheritdoc />
    public DetectorPartition PartitionKey => DetectorPartition.SourceNode;

    /// <inheritdoc />
    public DetectorCounters Counters => new(_edges, _contacts, _detections, _cooledDown, _refused);

    /// <summary>Folds a batch in, contact by contact (see <see cref="ContactRuns"/>), prefetching a few contacts ahead.</summary>
    public void Observe(ReadOnlySpan<GraphEdge> batch) => ContactRuns.Observe(batch, new Stage(this), PrefetchDistance);

    /// <summary>This detector as a <see cref="ContactRuns"/> stage.</summary>
    private readonly struct Stage(TopologyDriftDetector d) : IContactStage
    {
        public long Watermark { get => d._watermark; set => d._watermark = value; }

        public long WorkDueNs => d._closeAtNs;

        public void CountRecords(int records) => d._edges += records;

        public void DoWork(long nowNs) => d.CloseWindowsUpTo(nowNs);

        public ContactHashes Hash(in GraphEdge contact) => HashesOf(contact);

        public void Prefetch(in ContactHashes hashes)
        {
            d._pairs.Prefetch(hashes.A);
            d._nodes.Prefetch(hashes.B);
            d._nodes.Prefetch(hashes.C);
        }

        public void PrefetchEarly(in ContactHashes hashes)
        {
        }

        public void Observe(in GraphEdge contact, in ContactHashes hashes) => d.ObserveContact(contact, hashes);
    }

    /// <summary>The (src, dst) pair's hash and the two nodes' hashes.</summary>
    private static ContactHashes HashesOf(in GraphEdge contact) => new()
    {
        A = HashMix.Mix(contact.SrcNode, contact.DstNode), B = HashMix.Mix(contact.SrcNode), C = HashMix.Mix(contact.DstNode),
    };

    /// <inheritdoc />
    public void Observe(in GraphEdge edge)
    {
        _edges++;
        long ts = (long)edge.TimestampNs;
        if (ts - 1 > _watermark)
        {
            // Inlined Advance: nearly every record moves the watermark, few close a window.
            _watermark = ts - 1;
            if (ts - 1 >= _closeAtNs)
            {
                CloseWindowsUpTo(ts - 1);
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
        if (_windowStart == long.MinValue)
        {
            _windowStart = ts - HypergraphMetricsCollector.Mod(ts, _windowNs);
            _closeAtNs = _windowStart + _windowNs - 1;
        }

        _contacts++;
        uint service = ServiceOf(edge);
        bool room = _services < _maxServices;
        int pair = _pairs.Touch(new PairKey(edge.SrcNode, edge.DstNode), hashes.A, out int age, room);
        if (pair < 0)
        {
            _refused++;
            return;
        }

        bool newPair = age != Current;
        if (newPair)
        {
            _pairs.ValueAt(pair) = new PairStats { FirstService = service };
        }
        else if (_pairs.ValueAt(pair).FirstService == service)
        {
            return; // a repeat of the pair's first contact this window
        }
        else
        {
            var key = new TripleKey(edge.SrcNode, edge.DstNode, service);
            if (_extraServices.Touch(key, key.GetHashCode(), out int serviceAge, room) < 0)
            {
                _refused++;
                return;
            }

            if (serviceAge == Current)
            {
                return; // a repeat of a contact already counted this window
            }
        }

        _services++;
        CountNewService(edge, hashes, pair, newPair);
    }

    private static uint ServiceOf(in GraphEdge edge) => edge.DstPort | ((uint)edge.Protocol << 16);

    private void CountNewService(in GraphEdge edge, in ContactHashes hashes, int pair, bool newPair)
    {
        _nodes.EnsureRoom(2); // both node slots must stay valid while both are in use
        int src = NodeSlot(edge.SrcNode, hashes.B);
        int dst = newPair ? NodeSlot(edge.DstNode, hashes.C) : -1;
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

    /// <summary>
    /// The node's slot, opened for this window on its first touch: last window's degrees (if it was
    /// present then) become the "previous" ones; a node absent for a whole window starts afresh.
    /// </summary>
    private int NodeSlot(ulong node, int hash)
    {
        int slot = _nodes.Touch(new IdKey(node), hash, out int age);
        ref NodeWindow n = ref _nodes.ValueAt(slot);
        if (age == Current)
        {
            return slot;
        }

        if (age == Previous)
        {
            n = new NodeWindow
            {
                Class = n.Class, PrevPresent = true, PrevOutServices = n.OutServices, PrevInSrcs = n.InSrcs,
                PrevInternalDsts = n.InternalDsts, PrevAdminInternalDsts = n.AdminInternalDsts,
            };
            return slot;
        }

        // A node id is a hash of its address, so a known class never changes: look up the directory
        // (a dictionary probe) only for new nodes and nodes still without an address.
        NodeClass known = age == Stale ? n.Class : NodeClass.Unknown;
        n = new NodeWindow { Class = known != NodeClass.Unknown ? known : _directory?.Classify(node) ?? NodeClass.Unknown };
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
        if (nowNs >= _closeAtNs)
        {
            CloseWindowsUpTo(nowNs);
        }
    }

    private void CloseWindowsUpTo(long nowNs)
    {
        while (_windowStart != long.MinValue && nowNs >= _windowStart + _windowNs - 1)
        {
            CloseWindow(_windowStart + _windowNs);
            if (_nodes.PreviousCount == 0)
            {
                _windowStart = nowNs + 1 - HypergraphMetricsCollector.Mod(nowNs + 1, _windowNs);
            }
        }

        _closeAtNs = _windowStart == long.MinValue ? long.MaxValue : _windowStart + _windowNs - 1;
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
