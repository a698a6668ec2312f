using NerfEngine.Control.Detection.Tables;

namespace NerfEngine.Control.Detection.Graph;

/// <summary>
/// Read side: views (scopes), hot entities, neighbours, recent edges, lookups. Queries are for
/// tools and people, so they may allocate their results; none of them changes stored weights.
/// </summary>
public sealed partial class Hypergraph
{
    /// <summary>Evaluation time of a view: its scrub time, or now.</summary>
    public long EvaluationTime(ScopeFilter? scope) => scope?.EvaluateAtNs ?? _nowNs;

    /// <summary>The edge with this key as seen at <paramref name="atNs"/> (default now); false when absent or not yet seen then.</summary>
    public bool TryGetEdge(HyperEdgeKey key, out HyperEdge edge, long? atNs = null)
    {
        edge = default;
        long t = atNs ?? _nowNs;
        int slot = _edges.Find(key);
        if (slot < 0 || _edges.ValueAt(slot).LastSeenNs > t)
        {
            return false;
        }

        edge = Snapshot(slot, t);
        return true;
    }

    /// <summary>get_edge_by_id: parses an id made by <see cref="HyperEdgeKey.Id"/>.</summary>
    public bool TryGetEdge(string id, out HyperEdge edge, long? atNs = null)
    {
        edge = default;
        return HyperEdgeKey.TryParse(id, out HyperEdgeKey key) && TryGetEdge(key, out edge, atNs);
    }

    /// <summary>Visible edges of a view, heaviest first, at most <paramref name="limit"/> (export_graph_snapshot).</summary>
    public IReadOnlyList<HyperEdge> Edges(ScopeFilter? scope = null, int limit = 1000)
    {
        long t = EvaluationTime(scope);
        var result = new List<HyperEdge>();
        for (int slot = 0; slot < _edges.HighWater; slot++)
        {
            if (Visible(slot, scope, t, out _))
            {
                result.Add(Snapshot(slot, t));
            }
        }

        result.Sort(static (a, b) => b.Weight.CompareTo(a.Weight) is var c && c != 0 ? c : a.Key.Id.CompareTo(b.Key.Id));
        return result.Count > limit ? result.GetRange(0, limit) : result;
    }

    /// <summary>Node and edge counts and total weight of a view (query_scope_stats).</summary>
    public ScopeStats ScopeStats(ScopeFilter? scope = null)
    {
        long t = EvaluationTime(scope);
        if (scope is null || (scope.Kind == ScopeKind.All && scope.MinWeight <= 0 && scope.EvaluateAtNs is null))
        {
            double total = 0;
            for (int slot = 0; slot < _edges.HighWater; slot++)
            {
                total += _edges.IsLive(slot) ? WeightAt(_edges.ValueAt(slot), t) : 0;
            }

            return new ScopeStats(_nodes.Count, _edges.Count, total, t);
        }

        var nodes = new HashSet<ulong>();
        int edges = 0;
        double weight = 0;
        for (int slot = 0; slot < _edges.HighWater; slot++)
        {
            if (Visible(slot, scope, t, out double w))
            {
                ref readonly HyperEdgeKey key = ref _edges.KeyAt(slot);
                nodes.Add(key.Src);
                nodes.Add(key.Dst);
                edges++;
                weight += w;
            }
        }

        return new ScopeStats(nodes.Count, edges, weight, t);
    }

    /// <summary>The <paramref name="n"/> hottest nodes of a view by degree or summed weight (query_hot_entities); ties by node id.</summary>
    public IReadOnlyList<HotEntity> TopEntities(int n, HotEntityRank rank = HotEntityRank.Degree, ScopeFilter? scope = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 0);
        long t = EvaluationTime(scope);
        var totals = new Dictionary<ulong, HotEntity>();
        for (int slot = 0; slot < _edges.HighWater; slot++)
        {
            if (!Visible(slot, scope, t, out double w))
            {
                continue;
            }

            ref readonly HyperEdgeKey key = ref _edges.KeyAt(slot);
            totals.TryGetValue(key.Src, out HotEntity src);
            totals[key.Src] = src with { NodeId = key.Src, OutDegree = src.OutDegree + 1, Weight = src.Weight + w };
            totals.TryGetValue(key.Dst, out HotEntity dst);
            totals[key.Dst] = dst with { NodeId = key.Dst, InDegree = dst.InDegree + 1, Weight = dst.Weight + w };
        }

        var ranked = totals.Values.ToList();
        ranked.Sort(rank == HotEntityRank.Degree
            ? static (a, b) => b.Degree != a.Degree ? b.Degree.CompareTo(a.Degree) : a.NodeId.CompareTo(b.NodeId)
            : static (a, b) => b.Weight != a.Weight ? b.Weight.CompareTo(a.Weight) : a.NodeId.CompareTo(b.NodeId));
        return ranked.Count > n ? ranked.GetRange(0, n) : ranked;
    }

    /// <summary>Live edges into and out of a node (0, 0 when it is not in the graph): whether it mostly sends or receives.</summary>
    public (int In, int Out) Degree(ulong nodeId)
    {
        int node = _nodes.Find(new IdKey(nodeId));
        return node < 0 ? (0, 0) : (_nodes.ValueAt(node).InDegree, _nodes.ValueAt(node).OutDegree);
    }

    /// <summary>
    /// Neighbours of a node in a view (get_entity_neighbors), heaviest first: all visible edges
    /// between the pair in either direction fold into one row. Walks only the node's own edges.
    /// </summary>
    public IReadOnlyList<NodeNeighbor> Neighbors(ulong nodeId, ScopeFilter? scope = null, int limit = int.MaxValue)
    {
        int node = _nodes.Find(new IdKey(nodeId));
        if (node < 0)
        {
            return [];
        }

        long t = EvaluationTime(scope);
        var rows = new Dictionary<ulong, NodeNeighbor>();
        for (int slot = _nodes.ValueAt(node).OutHead; slot != None; slot = _edges.ValueAt(slot).OutNext)
        {
            Fold(rows, _edges.KeyAt(slot).Dst, NeighborDirection.Out, slot, scope, t);
        }

        for (int slot = _nodes.ValueAt(node).InHead; slot != None; slot = _edges.ValueAt(slot).InNext)
        {
            Fold(rows, _edges.KeyAt(slot).Src, NeighborDirection.In, slot, scope, t);
        }

        var result = rows.Values.ToList();
        result.Sort(static (a, b) => b.Weight != a.Weight ? b.Weight.CompareTo(a.Weight) : a.NodeId.CompareTo(b.NodeId));
        return result.Count > limit ? result.GetRange(0, limit) : result;
    }

    /// <summary>
    /// Ids of the visible edges from <paramref name="src"/> to any of <paramref name="dsts"/>, heaviest first, at most
    /// <paramref name="limit"/>: the edges behind a finding about a source (event cards). Walks only the source's own edges.
    /// </summary>
    public IReadOnlyList<string> EdgeIdsFrom(ulong src, IReadOnlySet<ulong> dsts, int limit)
    {
        ArgumentNullException.ThrowIfNull(dsts);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        int node = _nodes.Find(new IdKey(src));
        if (node < 0 || limit == 0 || dsts.Count == 0)
        {
            return [];
        }

        var found = new List<(double Weight, int Slot)>();
        for (int slot = _nodes.ValueAt(node).OutHead; slot != None; slot = _edges.ValueAt(slot).OutNext)
        {
            if (dsts.Contains(_edges.KeyAt(slot).Dst) && Visible(slot, null, _nowNs, out double w))
            {
                found.Add((w, slot));
            }
        }

        found.Sort(static (a, b) => b.Weight != a.Weight ? b.Weight.CompareTo(a.Weight) : a.Slot.CompareTo(b.Slot));
        var ids = new List<string>(Math.Min(limit, found.Count));
        for (int i = 0; i < found.Count && i < limit; i++)
        {
            ids.Add(_edges.KeyAt(found[i].Slot).Id);
        }

        return ids;
    }

    /// <summary>
    /// Edges of a view last seen at or after <paramref name="sinceNs"/> with weight ≥ <paramref name="minWeight"/>,
    /// newest first, at most <paramref name="limit"/> (query_recent_edges).
    /// </summary>
    public IReadOnlyList<HyperEdge> RecentEdges(long sinceNs, double minWeight, int limit, ScopeFilter? scope = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 0);
        long t = EvaluationTime(scope);
        var result = new List<HyperEdge>();
        for (int slot = 0; slot < _edges.HighWater; slot++)
        {
            if (Visible(slot, scope, t, out double w) && w >= minWeight && _edges.ValueAt(slot).LastSeenNs >= sinceNs)
            {
                result.Add(Snapshot(slot, t));
            }
        }

        result.Sort(static (a, b) => b.LastSeenNs != a.LastSeenNs ? b.LastSeenNs.CompareTo(a.LastSeenNs) : b.Weight.CompareTo(a.Weight));
        return result.Count > limit ? result.GetRange(0, limit) : result;
    }

    /// <summary>The service <paramref name="edgeHash"/> as its AGG records left it, seen at <paramref name="atNs"/> (default now).</summary>
    public bool TryGetService(ulong edgeHash, out ServiceActivity service, long? atNs = null)
    {
        service = default;
        long t = atNs ?? _nowNs;
        int slot = _services.Find(new IdKey(edgeHash));
        if (slot < 0 || _services.ValueAt(slot).LastSeenNs > t)
        {
            return false;
        }

        service = ServiceSnapshot(slot, t);
        return true;
    }

    /// <summary>
    /// Services of a destination (every destination when <paramref name="dstNode"/> is null) from AGG records, last
    /// seen by <paramref name="atNs"/> (default now), heaviest first, at most <paramref name="limit"/>.
    /// </summary>
    public IReadOnlyList<ServiceActivity> Services(ulong? dstNode = null, int limit = int.MaxValue, long? atNs = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        long t = atNs ?? _nowNs;
        var result = new List<ServiceActivity>();
        for (int slot = 0; slot < _services.HighWater; slot++)
        {
            if (_services.IsLive(slot) && _services.ValueAt(slot).LastSeenNs <= t && (dstNode is not { } d || _services.ValueAt(slot).DstNode == d))
            {
                result.Add(ServiceSnapshot(slot, t));
            }
        }

        result.Sort(static (a, b) => b.Weight != a.Weight ? b.Weight.CompareTo(a.Weight) : a.EdgeHash.CompareTo(b.EdgeHash));
        return result.Count > limit ? result.GetRange(0, limit) : result;
    }

    private ServiceActivity ServiceSnapshot(int slot, long t)
    {
        ref ServiceState s = ref _services.ValueAt(slot);
        return new ServiceActivity(_services.KeyAt(slot).Id, s.DstNode, s.DstPort, s.Protocol, WeightAt(s, t), s.FirstSeenNs, s.LastSeenNs,
            s.Packets, s.Bytes, s.Windows, t);
    }

    private void Fold(Dictionary<ulong, NodeNeighbor> rows, ulong other, NeighborDirection direction, int slot, ScopeFilter? scope, long t)
    {
        if (!Visible(slot, scope, t, out double w))
        {
            return;
        }

        long last = _edges.ValueAt(slot).LastSeenNs;
        rows[other] = rows.TryGetValue(other, out NodeNeighbor row)
            ? row with { Direction = row.Direction | direction, EdgeCount = row.EdgeCount + 1, Weight = row.Weight + w, LastSeenNs = Math.Max(row.LastSeenNs, last) }
            : new NodeNeighbor(other, direction, 1, w, last);
    }

    /// <summary>Whether a live slot passes a view's filters at time <paramref name="t"/>; <paramref name="weight"/> is its weight then.</summary>
    private bool Visible(int slot, ScopeFilter? scope, long t, out double weight)
    {
        weight = 0;
        if (!_edges.IsLive(slot))
        {
            return false;
        }

        ref EdgeState s = ref _edges.ValueAt(slot);
        if (s.LastSeenNs > t)
        {
            return false;
        }

        if (scope is not null)
        {
            ref readonly HyperEdgeKey key = ref _edges.KeyAt(slot);
            bool pass = scope.Kind switch
            {
                ScopeKind.Internal => IsInternal(key.Src) && IsInternal(key.Dst),
                ScopeKind.External => !IsInternal(key.Src) || !IsInternal(key.Dst),
                ScopeKind.Protocol => s.Protocol == scope.Protocol,
                _ => true,
            };
            if (!pass)
            {
                return false;
            }
        }

        weight = WeightAt(s, t);
        return scope is null || weight >= scope.MinWeight;
    }

    private bool IsInternal(ulong node) => Directory?.IsInternal(node) ?? false;

    private HyperEdge Snapshot(int slot, long t)
    {
        ref EdgeState s = ref _edges.ValueAt(slot);
        return new HyperEdge(_edges.KeyAt(slot), s.DstPort, s.Protocol, WeightAt(s, t), s.FirstSeenNs, s.LastSeenNs,
            s.Packets, s.Bytes, s.Records, t);
    }
}
