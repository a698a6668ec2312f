using System.Buffers;
using NerfEngine.Control.Detection.Tables;

namespace NerfEngine.Control.Detection.Graph;

/// <summary>Decay, pruning and the eviction sweep that keeps the graph within its memory bound.</summary>
public sealed partial class Hypergraph
{
    /// <summary>
    /// Applies decay to every edge at event time <paramref name="nowNs"/> (default: now), then prunes
    /// edges below <see cref="HypergraphOptions.PruneBelowWeight"/> (decay_now). Returns the number pruned.
    /// </summary>
    /// <remarks>Edges already updated after <paramref name="nowNs"/> (late-ordered input) are left as they are.</remarks>
    public int DecayNow(long? nowNs = null)
    {
        long now = nowNs ?? _nowNs;
        if (now > _nowNs)
        {
            _nowNs = now;
        }

        DecayAll(_edges, now);
        DecayAll(_services, now);
        return PruneBelow(_options.PruneBelowWeight, now);
    }

    private void DecayAll<TKey, TState>(SlotMap<TKey, TState> table, long now)
        where TKey : unmanaged, IEquatable<TKey>
        where TState : unmanaged, IDecayingState
    {
        for (int slot = 0; slot < table.HighWater; slot++)
        {
            if (table.IsLive(slot))
            {
                table.ValueAt(slot).DecayTo(_decay, now);
            }
        }
    }

    /// <summary>
    /// Removes edges whose weight at <paramref name="nowNs"/> (default: now) is below <paramref name="minWeight"/>
    /// (prune_below_weight), and services below it too. Returns the number of edges removed.
    /// </summary>
    public int PruneBelow(double minWeight, long? nowNs = null)
    {
        long now = nowNs ?? _nowNs;
        int removed = 0;
        for (int slot = 0; slot < _edges.HighWater; slot++)
        {
            if (_edges.IsLive(slot) && WeightAt(_edges.ValueAt(slot), now) < minWeight)
            {
                RemoveEdge(slot);
                removed++;
            }
        }

        _pruned += removed;
        PruneServicesBelow(minWeight, now);
        return removed;
    }

    private void PruneServicesBelow(double minWeight, long now)
    {
        for (int slot = 0; slot < _services.HighWater; slot++)
        {
            if (_services.IsLive(slot) && WeightAt(_services.ValueAt(slot), now) < minWeight)
            {
                _services.RemoveAt(slot);
            }
        }
    }

    /// <summary>Removes every edge, node and service; counters keep their totals.</summary>
    public void Clear()
    {
        _edges.Clear();
        _nodes.Clear();
        _services.Clear();
    }

    /// <summary>
    /// Runs when a new edge finds the graph full: prunes what decayed below the prune weight, then
    /// evicts the lowest-weight edges (ties: oldest last-seen first) down to the low-water mark.
    /// O(edges) by quickselect, and rare: each sweep frees (1 − low-water)·MaxEdges slots.
    /// </summary>
    private void SweepForSpace(long now)
    {
        _sweeps++;
        PruneBelow(_options.PruneBelowWeight, now);
        _evictions += EvictLightest(_edges, _options.MaxEdges, now, static (graph, slot) => graph.RemoveEdge(slot));
    }

    /// <summary>The same for the service table when a new service finds it full (services have no links to undo).</summary>
    private void SweepServicesForSpace(long now)
    {
        PruneServicesBelow(_options.PruneBelowWeight, now);
        _serviceEvictions += EvictLightest(_services, _options.MaxServices, now, static (graph, slot) => graph._services.RemoveAt(slot));
    }

    /// <summary>
    /// Evicts the lowest-weight entries of <paramref name="table"/> (ties: oldest last-seen first) down to the
    /// low-water fraction of <paramref name="max"/>; returns how many it removed.
    /// </summary>
    private int EvictLightest<TKey, TState>(SlotMap<TKey, TState> table, int max, long now, Action<Hypergraph, int> remove)
        where TKey : unmanaged, IEquatable<TKey>
        where TState : unmanaged, IDecayingState
    {
        int target = (int)(max * _options.EvictionLowWaterFraction);
        int excess = table.Count - target;
        if (excess <= 0)
        {
            return 0;
        }

        EvictionCandidate[] rented = ArrayPool<EvictionCandidate>.Shared.Rent(table.Count);
        try
        {
            int n = 0;
            for (int slot = 0; slot < table.HighWater; slot++)
            {
                if (table.IsLive(slot))
                {
                    ref TState s = ref table.ValueAt(slot);
                    rented[n++] = new EvictionCandidate(s.WeightAt(_decay, now), s.LastSeen, slot);
                }
            }

            Span<EvictionCandidate> all = rented.AsSpan(0, n);
            SelectSmallest(all, excess);
            foreach (EvictionCandidate victim in all[..excess])
            {
                remove(this, victim.Slot);
            }

            return excess;
        }
        finally
        {
            ArrayPool<EvictionCandidate>.Shared.Return(rented);
        }
    }

    private readonly record struct EvictionCandidate(double Weight, long LastSeenNs, int Slot)
    {
        public bool LessThan(in EvictionCandidate other) =>
            Weight < other.Weight || (Weight == other.Weight && (LastSeenNs < other.LastSeenNs || (LastSeenNs == other.LastSeenNs && Slot < other.Slot)));
    }

    /// <summary>Hoare quickselect: afterwards the <paramref name="k"/> smallest items occupy items[..k] (unordered).</summary>
    private static void SelectSmallest(Span<EvictionCandidate> items, int k)
    {
        int lo = 0, hi = items.Length - 1;
        while (lo < hi)
        {
            // Median of three keeps sorted or reverse-sorted input (common: slots in age order) linear.
            int mid = lo + ((hi - lo) >> 1);
            if (items[mid].LessThan(items[lo])) { (items[mid], items[lo]) = (items[lo], items[mid]); }
            if (items[hi].LessThan(items[lo])) { (items[hi], items[lo]) = (items[lo], items[hi]); }
            if (items[hi].LessThan(items[mid])) { (items[hi], items[mid]) = (items[mid], items[hi]); }
            EvictionCandidate pivot = items[mid];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (items[i].LessThan(pivot)) { i++; }
                while (pivot.LessThan(items[j])) { j--; }
                if (i <= j)
                {
                    (items[i], items[j]) = (items[j], items[i]);
                    i++;
                    j--;
                }
            }

            if (k - 1 <= j) { hi = j; }
            else if (k - 1 >= i) { lo = i; }
            else { return; }
        }
    }
}
