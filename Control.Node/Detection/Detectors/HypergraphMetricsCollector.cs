using NerfEngine.Control.Detection.Tables;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Control.Detection.Detectors;

/// <summary>
/// Computes the shared <see cref="HypergraphMetricsSnapshot"/> once per tumbling event-time window
/// (default 1 s): density and churn of the window's (src, dst) edges, temporal sync of its
/// contacts, source entropy and the top fan-in. Every record kind counts as an active edge;
/// only OPEN records (contacts) count as arrivals and source activity.
/// </summary>
/// <remarks>
/// Per record: one probe of the window's edge table, plus the previous window's table and two node
/// probes the first time an edge appears in the window, and one node probe per contact. Nothing is
/// allocated per record; the two edge tables (this window, previous window) swap at each close.
/// </remarks>
public sealed class HypergraphMetricsCollector : IMetricsSnapshotSource
{
    private const int PrefetchDistance = 8;
    private const int KeptSnapshots = 16;

    private struct NodeCounts
    {
        public int InDegree;  // distinct sources with an edge to this node in the window
        public int Contacts;  // OPEN records from this node in the window
    }

    private readonly ThresholdSet _thresholds;
    private readonly ProbeTable<IdKey, NodeCounts> _nodes;
    private readonly HypergraphMetricsSnapshot?[] _recent = new HypergraphMetricsSnapshot?[KeptSnapshots];
    private ProbeTable<PairKey, NoValue> _edges;
    private ProbeTable<PairKey, NoValue> _previousEdges;
    private long[] _arrivals = new long[1024];
    private int _arrivalCount;
    private int _arrivalStride = 1;
    private long _arrivalSeen;
    private DetectionThresholds _t;
    private long _windowNs;
    private long _windowStart = long.MinValue;
    private long _watermark = long.MinValue;
    private int _newEdges;
    private long _contacts, _records, _totalRecords, _totalContacts, _refused;

    /// <summary>Creates a collector; <paramref name="attractors"/> supplies the active-attractor count.</summary>
    public HypergraphMetricsCollector(ThresholdSet thresholds, IAttractorCensus? attractors = null)
    {
        _thresholds = thresholds;
        Attractors = attractors;
        _t = thresholds.Current;
        _windowNs = DetectionThresholds.Ns(_t.MetricsWindow);
        _edges = new ProbeTable<PairKey, NoValue>(16_384, _t.MetricsMaxTrackedEdges);
        _previousEdges = new ProbeTable<PairKey, NoValue>(16_384, _t.MetricsMaxTrackedEdges);
        _nodes = new ProbeTable<IdKey, NodeCounts>(16_384);
    }

    /// <inheritdoc />
    public HypergraphMetricsSnapshot? Latest { get; private set; }

    /// <summary>Source of the active-attractor count (the attractor detector reads this collector too, hence settable).</summary>
    public IAttractorCensus? Attractors { get; set; }

    /// <summary>Windows closed so far.</summary>
    public long WindowsClosed { get; private set; }

    /// <summary>Called after each window closes, on the caller's thread (e.g. to forward to the management API).</summary>
    public Action<HypergraphMetricsSnapshot>? WindowClosed { get; set; }

    /// <summary>Counters in the detector shape (no detections of its own; refusals = edges not tracked, table full).</summary>
    public DetectorCounters Counters => new(_totalRecords, _totalContacts, 0, 0, _refused);

    /// <inheritdoc />
    public HypergraphMetricsSnapshot? At(long nowNs)
    {
        for (long i = WindowsClosed - 1; i >= Math.Max(0, WindowsClosed - KeptSnapshots); i--)
        {
            HypergraphMetricsSnapshot? s = _recent[i % KeptSnapshots];
            if (s is not null && s.WindowEndNs <= nowNs)
            {
                return s;
            }
        }

        return null;
    }

    /// <summary>Folds a batch in, prefetching the edge-table slots a few records ahead.</summary>
    public void Observe(ReadOnlySpan<GraphEdge> batch)
    {
        for (int i = 0; i < batch.Length; i++)
        {
            if (i + PrefetchDistance < batch.Length)
            {
                // Speculative: the previous-window and node tables are only probed when the edge is
                // new this window, but fetching them early is cheaper than a dependent miss later.
                ref readonly GraphEdge ahead = ref batch[i + PrefetchDistance];
                var pair = new PairKey(ahead.SrcNode, ahead.DstNode);
                _edges.Prefetch(pair);
                _previousEdges.Prefetch(pair);
                _nodes.Prefetch(new IdKey(ahead.SrcNode));
                _nodes.Prefetch(new IdKey(ahead.DstNode));
            }

            Observe(batch[i]);
        }
    }

    /// <summary>Folds one record in.</summary>
    public void Observe(in GraphEdge edge)
    {
        long ts = (long)edge.TimestampNs;
        if (ts - 1 > _watermark)
        {
            Advance(ts - 1);
        }

        if (_windowStart == long.MinValue)
        {
            _windowStart = ts - Mod(ts, _windowNs);
        }

        _records++;
        _totalRecords++;
        var pair = new PairKey(edge.SrcNode, edge.DstNode);
        if (_edges.FindOrAdd(pair, out bool added) < 0)
        {
            _refused++;
        }
        else if (added)
        {
            if (_previousEdges.Find(pair) < 0)
            {
                _newEdges++;
            }

            _nodes.EnsureRoom(2);
            _nodes.FindOrAdd(new IdKey(edge.SrcNode), out _);
            _nodes.ValueAt(_nodes.FindOrAdd(new IdKey(edge.DstNode), out _)).InDegree++;
        }

        if (edge.Kind == EdgeKind.Open)
        {
            _contacts++;
            _totalContacts++;
            _nodes.ValueAt(_nodes.FindOrAdd(new IdKey(edge.SrcNode), out _)).Contacts++;
            AddArrival(ts);
        }
    }

    /// <summary>Closes every window that ends at or before <paramref name="nowNs"/>.</summary>
    public void Advance(long nowNs)
    {
        if (nowNs <= _watermark)
        {
            return;
        }

        _watermark = nowNs;
        while (_windowStart != long.MinValue && nowNs >= _windowStart + _windowNs - 1)
        {
            bool empty = _records == 0;
            CloseWindow();
            if (empty && _previousEdges.Count == 0)
            {
                // Idle gap: nothing to compare with, jump to the window that contains now.
                _windowStart = nowNs + 1 - Mod(nowNs + 1, _windowNs);
            }
        }
    }

    private void AddArrival(long ts)
    {
        // Deterministic decimation keeps memory bounded: past the cap, keep every other sample and
        // double the stride. Timing entropy is rate-normalised, so thinning keeps its meaning.
        if (_arrivalSeen++ % _arrivalStride != 0)
        {
            return;
        }

        if (_arrivalCount == _arrivals.Length)
        {
            if (_arrivals.Length < _t.MetricsMaxTimingSamples)
            {
                Array.Resize(ref _arrivals, Math.Min(_arrivals.Length * 2, _t.MetricsMaxTimingSamples));
            }
            else
            {
                for (int i = 0; i < _arrivalCount / 2; i++)
                {
                    _arrivals[i] = _arrivals[2 * i];
                }

                _arrivalCount /= 2;
                _arrivalStride *= 2;
            }
        }

        _arrivals[_arrivalCount++] = ts;
    }

    private void CloseWindow()
    {
        long start = _windowStart, end = _windowStart + _windowNs;
        int nodes = _nodes.Count, edges = _edges.Count;
        double density = nodes < 2 ? 0 : edges / ((double)nodes * (nodes - 1));
        double churn = edges == 0 ? 0 : (double)_newEdges / edges;
        double sync = _arrivalCount < 3 ? 0 : 1 - TimingEntropy.Normalised(_arrivals.AsSpan(0, _arrivalCount), _windowNs, _t.TimingBinsPerMeanGap);

        int topIn = 0;
        ulong topNode = 0;
        double sourceEntropy = 0;
        foreach (int slot in _nodes.UsedSlots)
        {
            NodeCounts c = _nodes.ValueAt(slot);
            ulong id = _nodes.KeyAt(slot).Id;
            if (c.InDegree > topIn || (c.InDegree == topIn && topIn > 0 && id < topNode))
            {
                topIn = c.InDegree;
                topNode = id;
            }

            if (c.Contacts > 0)
            {
                double p = (double)c.Contacts / _contacts;
                sourceEntropy -= p * Math.Log2(p);
            }
        }

        var snapshot = new HypergraphMetricsSnapshot(start, end, nodes, edges, density, churn, sync, sourceEntropy,
            topIn / (_windowNs / 1e9), topNode, Attractors?.ActiveAttractorCount ?? 0, _contacts, _records);

        (_edges, _previousEdges) = (_previousEdges, _edges);
        _edges.Clear();
        _nodes.Clear();
        _arrivalCount = 0;
        _arrivalStride = 1;
        _arrivalSeen = 0;
        _newEdges = 0;
        _contacts = 0;
        _records = 0;
        _recent[WindowsClosed % KeptSnapshots] = snapshot;
        WindowsClosed++;
        Latest = snapshot;

        // Thresholds are re-read between windows so a reload never changes a window mid-way.
        _t = _thresholds.Current;
        _windowNs = DetectionThresholds.Ns(_t.MetricsWindow);
        _windowStart = end;
        WindowClosed?.Invoke(snapshot);
    }

    internal static long Mod(long value, long modulus)
    {
        long r = value % modulus;
        return r < 0 ? r + modulus : r;
    }
}
