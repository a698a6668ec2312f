using System.Collections.Immutable;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Control.Detection.Tables;

namespace NerfEngine.Control.Detection.Detectors;

/// <summary>Window close: compare degrees with the previous window, rank candidates, emit through the cooldown.</summary>
public sealed partial class TopologyDriftDetector
{
    private void CloseWindow(long end)
    {
        long start = end - _windowNs;
        _candidates.Clear();
        foreach (int slot in _nodes.TouchedSlots)
        {
            Evaluate(_nodes.KeyAt(slot).Id, _nodes.ValueAt(slot));
        }

        // Total order (verdict breaks the last tie), so emission order never depends on table layout.
        _candidates.Sort(static (a, b) =>
            b.Score != a.Score ? b.Score.CompareTo(a.Score)
            : b.Delta != a.Delta ? b.Delta.CompareTo(a.Delta)
            : a.Node != b.Node ? a.Node.CompareTo(b.Node)
            : a.Verdict.CompareTo(b.Verdict));
        foreach (Candidate c in _candidates)
        {
            Emit(c, start, end);
        }

        // This window's keys become "previous": degrees roll over lazily on each node's next contact.
        _pairs.NextEpoch();
        _extraServices.NextEpoch();
        _nodes.NextEpoch();
        _services = 0;
        _windowStart = end;
        _t = _thresholds.Current;
        ApplyThresholds();
    }

    private void Evaluate(ulong node, in NodeWindow n)
    {
        bool lateral = false;
        if (n.Class == NodeClass.Internal)
        {
            int admin = n.AdminInternalDsts - n.PrevAdminInternalDsts;
            int any = n.InternalDsts - n.PrevInternalDsts;
            if (admin >= _t.LateralMinHosts || any >= _t.LateralMinHosts)
            {
                lateral = true;
                bool viaAdmin = admin >= _t.LateralMinHosts;
                int delta = viaAdmin ? admin : any;
                AddCandidate(node, DetectionVerdict.Lateral, viaAdmin ? "admin_ports" : "fan_out", delta,
                    _t.LateralMinHosts, _t.LateralBaseScore, n);
            }
        }

        int serviceDelta = n.OutServices - n.PrevOutServices;
        if (!lateral && serviceDelta >= _t.ScannerDeltaThreshold)
        {
            // "horizontal" vs "mixed" needs a scan of the window's contacts: resolved in Emit, for the
            // candidate that passes the cooldown only.
            string shape = 2 * n.MaxPortsOnOneDst >= n.OutServices ? "vertical" : UnresolvedShape;
            AddCandidate(node, DetectionVerdict.Scanner, shape, serviceDelta, _t.ScannerDeltaThreshold, _t.ScannerBaseScore, n);
        }

        int inDelta = n.InSrcs - n.PrevInSrcs;
        if (inDelta >= _t.AggregatorDeltaThreshold && (n.PrevPresent || !_t.AggregatorRequiresBaseline))
        {
            AddCandidate(node, DetectionVerdict.Aggregator, "in_degree", inDelta, _t.AggregatorDeltaThreshold, _t.AggregatorBaseScore, n,
                _t.AggregatorScoreCap);
        }
    }

    private void AddCandidate(ulong node, DetectionVerdict verdict, string pattern, int delta, int threshold, double baseScore, in NodeWindow n,
        double cap = double.MaxValue) =>
        _candidates.Add(new Candidate(node, verdict, pattern, delta, Math.Min(cap, Score(delta, threshold, baseScore)),
            n.OutDsts, n.OutServices, n.InSrcs));

    /// <summary>min(cap, base + slope·(delta − threshold)/threshold), rounded to 1e-4 so tier boundaries are exact.</summary>
    internal double Score(int delta, int threshold, double baseScore) =>
        Math.Round(Math.Min(_t.DriftScoreCap, baseScore + _t.DriftScoreSlope * (delta - threshold) / threshold), 4);

    private void Emit(in Candidate c, long start, long end)
    {
        if (!_cooldown.TryPass(c.Verdict, end, DetectionThresholds.Ns(_t.Cooldown)))
        {
            _cooledDown++;
            _sink.OnCooledDown(Name, c.Verdict, end);
            return;
        }

        ImmutableArray<ulong> nodes = InvolvedNodes(c, out int count);
        string pattern = c.Pattern != UnresolvedShape ? c.Pattern
            : 2 * MaxDestinationsOnOneService(c.Node) >= c.OutServices ? "horizontal"
            : "mixed";
        _detections++;
        _sink.OnDetection(new Detection
        {
            Detector = Name,
            Verdict = c.Verdict,
            Pattern = pattern,
            SubjectNode = c.Node,
            NodeIds = nodes,
            NodeCount = count,
            WindowStartNs = start,
            WindowEndNs = end,
            Score = c.Score,
            Measures = new DetectionMeasures
            {
                Delta = c.Delta,
                DistinctDestinations = c.OutDsts,
                DistinctServices = c.OutServices,
                SourceCount = c.Verdict == DetectionVerdict.Aggregator ? c.InSrcs : null,
            },
            Context = _metrics?.At(end),
        });
    }

    /// <summary>
    /// Largest number of destinations the source reached on one service this window. Computed only
    /// for scanner candidates (rare) by one scan of the window's pairs (their first service) and extra
    /// services, instead of a per-contact table.
    /// </summary>
    private int MaxDestinationsOnOneService(ulong source)
    {
        var perService = new Dictionary<ulong, int>();
        foreach (int i in _pairs.TouchedSlots)
        {
            if (_pairs.KeyAt(i).A == source)
            {
                uint service = _pairs.ValueAt(i).FirstService;
                perService[service] = perService.GetValueOrDefault(service) + 1;
            }
        }

        foreach (int i in _extraServices.TouchedSlots)
        {
            ref readonly TripleKey key = ref _extraServices.KeyAt(i);
            if (key.A == source)
            {
                perService[key.C] = perService.GetValueOrDefault(key.C) + 1;
            }
        }

        return perService.Count == 0 ? 0 : perService.Values.Max();
    }

    /// <summary>Subject first, then its window peers (destinations, or sources for an aggregator), sorted and capped.</summary>
    private ImmutableArray<ulong> InvolvedNodes(in Candidate c, out int count)
    {
        var peers = new List<ulong>();
        foreach (int i in _pairs.TouchedSlots)
        {
            PairKey key = _pairs.KeyAt(i);
            ref PairStats p = ref _pairs.ValueAt(i);
            bool involved = c.Verdict switch
            {
                DetectionVerdict.Aggregator => key.B == c.Node,
                DetectionVerdict.Lateral => key.A == c.Node && p.Internal && (c.Pattern != "admin_ports" || p.AdminCounted),
                _ => key.A == c.Node,
            };
            if (involved)
            {
                peers.Add(c.Verdict == DetectionVerdict.Aggregator ? key.A : key.B);
            }
        }

        peers.Remove(c.Node);
        peers.Sort();
        count = peers.Count + 1;
        return [c.Node, .. peers.Take(_t.MaxReportedNodes - 1)];
    }
}
