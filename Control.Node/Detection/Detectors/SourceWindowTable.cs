using NerfEngine.Control.Detection.Tables;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Control.Detection.Detectors;

/// <summary>
/// Which sources contacted which target recently: the state behind the fan-in and attractor
/// detectors. One entry per (target, source) pair with its first and last contact time; each
/// target links its pairs in an intrusive list so evaluating one target walks only its sources.
/// Pairs idle for longer than the window are dropped by <see cref="ExpireBefore"/>, which the
/// owner calls periodically (cheaper than per-contact expiry; evaluation filters exactly).
/// </summary>
/// <remarks>Allocation-free once tables have grown; bounded by the pair limit (refusals are counted).</remarks>
internal sealed class SourceWindowTable
{
    private const int None = -1;

    internal struct Target
    {
        public ulong Dst;
        public ushort DstPort;
        public byte Protocol;
        public bool Armed;          // an evaluation is scheduled (fan-in)
        public int Distinct;        // live pairs
        public int Head;            // first pair slot
        public long LastEvaluatedNs;
        public int Group;           // scratch: index in the current grouping pass, -1 when not selected
        public long SkipUntilNs;    // attractor: not re-evaluated before this time
    }

    private struct Pair
    {
        public long FirstNs;        // first contact of this presence (reset when the pair expires)
        public long LastNs;
        public int Contacts;
        public int Target;
        public int Prev, Next;
    }

    private readonly SlotMap<IdKey, Target> _targets;
    private readonly SlotMap<PairKey, Pair> _pairs;

    public SourceWindowTable(int maxPairs)
    {
        _pairs = new SlotMap<PairKey, Pair>(4096, maxPairs);
        _targets = new SlotMap<IdKey, Target>(1024, maxPairs);
    }

    /// <summary>Contacts not tracked because the pair table was full.</summary>
    public long Refused { get; private set; }

    public int PairCount => _pairs.Count;

    public ref Target TargetAt(int slot) => ref _targets.ValueAt(slot);

    /// <summary>Records to look ahead when prefetching in batch loops.</summary>
    public const int PrefetchDistance = 8;

    /// <summary>Hints the CPU to load the pair bucket a later <see cref="Record"/> will probe.</summary>
    public void Prefetch(ulong targetKey, ulong source) => _pairs.Prefetch(new PairKey(targetKey, source));

    /// <summary>
    /// Records a contact of <paramref name="edge"/>'s source with a target. Returns the target slot
    /// when the source is new to the target (its distinct count grew), else -1. A repeat contact
    /// touches only the pair table.
    /// </summary>
    public int Record(ulong targetKey, in GraphEdge edge, long ts, bool keepPort)
    {
        int p = _pairs.FindOrAdd(new PairKey(targetKey, edge.SrcNode), out bool pairAdded);
        if (p < 0)
        {
            Refused++;
            return None;
        }

        if (!pairAdded)
        {
            ref Pair known = ref _pairs.ValueAt(p);
            known.LastNs = Math.Max(known.LastNs, ts);
            known.Contacts++;
            return None;
        }

        int t = _targets.FindOrAdd(new IdKey(targetKey), out bool targetAdded);
        if (t < 0)
        {
            _pairs.RemoveAt(p);
            Refused++;
            return None;
        }

        ref Target target = ref _targets.ValueAt(t);
        if (targetAdded)
        {
            target = new Target
            {
                Dst = edge.DstNode,
                DstPort = keepPort ? edge.DstPort : (ushort)0,
                Protocol = keepPort ? edge.Protocol : (byte)0,
                Head = None,
                LastEvaluatedNs = long.MinValue / 2,
            };
        }

        ref Pair pair = ref _pairs.ValueAt(p);
        pair = new Pair { FirstNs = ts, LastNs = ts, Contacts = 1, Target = t, Prev = None, Next = target.Head };
        if (target.Head != None)
        {
            _pairs.ValueAt(target.Head).Prev = p;
        }

        target.Head = p;
        target.Distinct++;
        return t;
    }

    /// <summary>Drops pairs last seen before <paramref name="cutoffNs"/>, then targets with no pairs and nothing scheduled.</summary>
    public void ExpireBefore(long cutoffNs)
    {
        for (int p = 0; p < _pairs.HighWater; p++)
        {
            if (!_pairs.IsLive(p) || _pairs.ValueAt(p).LastNs >= cutoffNs)
            {
                continue;
            }

            ref Pair pair = ref _pairs.ValueAt(p);
            ref Target target = ref _targets.ValueAt(pair.Target);
            if (pair.Prev != None) { _pairs.ValueAt(pair.Prev).Next = pair.Next; } else { target.Head = pair.Next; }
            if (pair.Next != None) { _pairs.ValueAt(pair.Next).Prev = pair.Prev; }
            target.Distinct--;
            _pairs.RemoveAt(p);
        }

        for (int t = 0; t < _targets.HighWater; t++)
        {
            if (_targets.IsLive(t) && _targets.ValueAt(t).Distinct == 0 && !_targets.ValueAt(t).Armed)
            {
                _targets.RemoveAt(t);
            }
        }
    }

    /// <summary>Earliest last-contact time among a target's sources seen at or after <paramref name="fromNs"/>.</summary>
    public long OldestLastSeen(int targetSlot, long fromNs)
    {
        long oldest = long.MaxValue;
        for (int p = _targets.ValueAt(targetSlot).Head; p != None; p = _pairs.ValueAt(p).Next)
        {
            long last = _pairs.ValueAt(p).LastNs;
            if (last >= fromNs && last < oldest)
            {
                oldest = last;
            }
        }

        return oldest;
    }

    /// <summary>
    /// Groups, by target, the sources of every target with more than <paramref name="minDistinct"/>
    /// sources (and not skipped until after <paramref name="toNs"/>) whose last contact lies in
    /// [fromNs, toNs], into <paramref name="groups"/>. Two sequential passes over the pair table (count,
    /// then scatter) instead of walking each target's list, which would chase pointers across the
    /// whole table. Returns how many targets have more than <paramref name="minDistinct"/> sources.
    /// </summary>
    public int GroupSources(int minDistinct, long fromNs, long toNs, SourceGroups groups)
    {
        groups.Reset();
        int large = 0;
        for (int t = 0; t < _targets.HighWater; t++)
        {
            if (_targets.IsLive(t))
            {
                ref Target target = ref _targets.ValueAt(t);
                bool over = target.Distinct > minDistinct;
                large += over ? 1 : 0;
                target.Group = over && target.SkipUntilNs <= toNs ? groups.AddGroup(t) : None;
            }
        }

        if (groups.GroupCount == 0)
        {
            return large;
        }

        for (int pass = 0; pass < 2; pass++)
        {
            for (int p = 0; p < _pairs.HighWater; p++)
            {
                if (!_pairs.IsLive(p))
                {
                    continue;
                }

                ref Pair pair = ref _pairs.ValueAt(p);
                int g = _targets.ValueAt(pair.Target).Group;
                if (g == None || pair.LastNs < fromNs || pair.LastNs > toNs)
                {
                    continue;
                }

                if (pass == 0)
                {
                    groups.Count(g);
                }
                else
                {
                    groups.Place(g, _pairs.KeyAt(p).B, pair.FirstNs, pair.LastNs, pair.Contacts);
                }
            }

            if (pass == 0)
            {
                groups.Allocate();
            }
        }

        return large;
    }

    /// <summary>Copies the target's sources whose last contact lies in [fromNs, toNs] into <paramref name="sample"/>.</summary>
    public void Collect(int targetSlot, long fromNs, long toNs, SourceSample sample)
    {
        sample.Reset();
        for (int p = _targets.ValueAt(targetSlot).Head; p != None; p = _pairs.ValueAt(p).Next)
        {
            ref Pair pair = ref _pairs.ValueAt(p);
            if (pair.LastNs >= fromNs && pair.LastNs <= toNs)
            {
                sample.Add(_pairs.KeyAt(p).B, pair.FirstNs, pair.LastNs, pair.Contacts);
            }
        }
    }
}
