using System.Runtime.CompilerServices;
using NerfEngine.Control.Detection.Tables;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Control.Detection.Detectors;

/// <summary>
/// Computes the shared <see cref="HypergraphMetricsSnapshot"/> once per tumbling event-time window
/// (default 1 s): density and churn of the window's (src, dst) edges, temporal sync of its
/// contacts, source entropy and the top fan-in. Every flow record (OPEN, TICK, CLOSE) counts as an
/// active edge; only OPEN records (contacts) count as arrivals and source activity. AGG records have
/// no source (src_node 0, nerf_records.h) and count as records only.
/// </summary>
/// <remarks>
/// Per record: one probe of the edge set (<see cref="EpochSet"/>), which remembers in which window
/// each (src, dst) fingerprint was last seen, so "new this window" and "absent last window" (churn)
/// come from the same probe, and closing a window clears nothing. Node counts (in-degree, contacts)
/// and arrival samples are not updated per record: the records that move them are logged in order
/// and folded in at the close (<see cref="NodeTally"/>), in one tight prefetched loop while that
/// table is the only one in use, instead of two more random probes per record competing with every
/// detector's tables for the cache. Nothing is allocated per record.
/// </remarks>
public sealed class HypergraphMetricsCollector : IMetricsSnapshotSource
{
    private const int PrefetchDistance = 8;
    private const int KeptSnapshots = 16;

    /// <summary>A record that moves node counts or arrivals: its edge is new this window, and/or it is a contact.</summary>
    private struct NodeEvent
    {
        public ulong Src;
        public ulong Dst;
        public long Ts;
        public int Kind;  // NewEdge | Contact
    }

    private const int NewEdge = 1, Contact = 2;

    private readonly ThresholdSet _thresholds;

    /// <summary>(src, dst) fingerprints (<see cref="EdgeFingerprint"/>); epochs are windows. Probed by every flow record.</summary>
    private readonly EpochSet _edges;

    /// <summary>Nodes of this window's edges, in first-touch order (the order source entropy is summed in).</summary>
    private readonly NodeTally _nodes;
    private NodeEvent[] _events = new NodeEvent[4096];  // this window's, in record order
    private int _eventCount;
    private readonly HypergraphMetricsSnapshot?[] _recent = new HypergraphMetricsSnapshot?[KeptSnapshots];
    private long[] _arrivals = new long[1024];
    private int _arrivalCount;
    private int _arrivalStride = 1;   // a power of two
    private long _arrivalSeen;
    private DetectionThresholds _t;
    private long _windowNs;
    private long _windowStart = long.MinValue;
    private long _closeAtNs = long.MaxValue;  // watermark at which the current window closes
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
        _edges = new EpochSet(16_384, _t.MetricsMaxTrackedEdges);
        _nodes = new NodeTally(16_384);
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
                ref readonly GraphEdge ahead = ref batch[i + PrefetchDistance];
                _edges.Prefetch(HashMix.Mix(EdgeFingerprint(ahead)));
            }

            ObserveRecord(batch[i]);
        }
    }

    /// <summary>Folds one record in.</summary>
    public void Observe(in GraphEdge edge) => ObserveRecord(edge);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the batch loop: a call per record costs as much as the body
    private void ObserveRecord(in GraphEdge edge)
    {
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

        if (_windowStart == long.MinValue)
        {
            _windowStart = ts - Mod(ts, _windowNs);
            _closeAtNs = _windowStart + _windowNs - 1;
        }

        _records++;
        _totalRecords++;
        if (edge.Kind == EdgeKind.Aggregate)
        {
            return; // no source by contract (nerf_records.h): a service's totals, not a (src, dst) edge or a node
        }

        ulong fingerprint = EdgeFingerprint(edge);
        int age = _edges.Touch(fingerprint, HashMix.Mix(fingerprint));
        if (age < 0)
        {
            _refused++; // rare (table at its bound): counted as a repeat
            age = EpochAge.Current;
        }

        // Branch-free on purpose: whether the edge is new this window, and whether the record is a
        // contact, are coin flips the CPU cannot predict. New this window = its first record here;
        // absent from the previous window too = churn.
        int isContact = edge.Kind == EdgeKind.Open ? 1 : 0;
        int kind = (age != EpochAge.Current ? NewEdge : 0) | (isContact * Contact);
        _newEdges += age >= EpochAge.Stale ? 1 : 0;
        _contacts += isContact;
        _totalContacts += isContact;
        if (_eventCount == _events.Length)
        {
            Array.Resize(ref _events, _events.Length * 2);
        }

        _events[_eventCount] = new NodeEvent { Src = edge.SrcNode, Dst = edge.DstNode, Ts = ts, Kind = kind };
        _eventCount += kind != 0 ? 1 : 0; // a record without effect is overwritten by the next
    }

    private static ulong EdgeFingerprint(in GraphEdge edge) => EpochSet.Fingerprint(HashMix.Combine(edge.SrcNode, edge.DstNode));

    /// <summary>Closes every window that ends at or before <paramref name="nowNs"/>.</summary>
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
            bool empty = _records == 0;
            CloseWindow();
            if (empty && _edges.PreviousCount == 0)
            {
                // Idle gap: nothing to compare with, jump to the window that contains now.
                _windowStart = nowNs + 1 - Mod(nowNs + 1, _windowNs);
            }
        }

        _closeAtNs = _windowStart == long.MinValue ? long.MaxValue : _windowStart + _windowNs - 1;
    }

    /// <summary>
    /// Folds the window's node events into the node table and the arrival samples, in record order,
    /// so the table sees the same first touches (and sums entropy in the same order), and the
    /// decimation keeps the same samples, as if each record had done it.
    /// </summary>
    private void CountNodes()
    {
        ReadOnlySpan<NodeEvent> events = _events.AsSpan(0, _eventCount);
        for (int i = 0; i < events.Length; i++)
        {
            if (i + PrefetchDistance < events.Length)
            {
                ref readonly NodeEvent ahead = ref events[i + PrefetchDistance];
                _nodes.Prefetch(HashMix.Mix(ahead.Src));
                if ((ahead.Kind & NewEdge) != 0)
                {
                    _nodes.Prefetch(HashMix.Mix(ahead.Dst));
                }
            }

            ref readonly NodeEvent e = ref events[i];
            _nodes.EnsureRoom(2); // the source's slot must stay valid while the destination is added
            int src = _nodes.Touch(e.Src, HashMix.Mix(e.Src));
            if ((e.Kind & NewEdge) != 0)
            {
                _nodes.AddInDegree(_nodes.Touch(e.Dst, HashMix.Mix(e.Dst)));
            }

            if ((e.Kind & Contact) != 0)
            {
                _nodes.AddContact(src);
                AddArrival(e.Ts);
            }
        }

        _eventCount = 0;
    }

    private void AddArrival(long ts)
    {
        // Deterministic decimation keeps memory bounded: past the cap, keep every other sample and
        // double the stride. Timing entropy is rate-normalised, so thinning keeps its meaning.
        if ((_arrivalSeen++ & (_arrivalStride - 1)) != 0)
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
        CountNodes();
        int nodes = _nodes.Count, edges = _edges.Count;
        double density = nodes < 2 ? 0 : edges / ((double)nodes * (nodes - 1));
        double churn = edges == 0 ? 0 : (double)_newEdges / edges;
        double sync = _arrivalCount < 3 ? 0 : 1 - TimingEntropy.Normalised(_arrivals.AsSpan(0, _arrivalCount), _windowNs, _t.TimingBinsPerMeanGap);

        int topIn = 0;
        ulong topNode = 0;
        double sourceEntropy = 0;
        foreach (int slot in _nodes.Order)
        {
            int inDegree = _nodes.InDegreeAt(slot), contacts = _nodes.ContactsAt(slot);
            ulong id = _nodes.NodeAt(slot);
            if (inDegree > topIn || (inDegree == topIn && topIn > 0 && id < topNode))
            {
                topIn = inDegree;
                topNode = id;
            }

            if (contacts > 0)
            {
                double p = (double)contacts / _contacts;
                sourceEntropy -= p * Math.Log2(p);
            }
        }

        var snapshot = new HypergraphMetricsSnapshot(start, end, nodes, edges, density, churn, sync, sourceEntropy,
            topIn / (_windowNs / 1e9), topNode, Attractors?.ActiveAttractorCount ?? 0, _contacts, _records);

        _edges.NextEpoch();
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
