using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
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
/// <remarks>
/// <para>Allocation-free once tables have grown; bounded by the pair limit (refusals are counted).</para>
/// <para>Per contact the cost is cache misses: the pair's bucket, its entry, and for a new pair the
/// target's bucket and entry. <see cref="Prefetch"/> (buckets) and <see cref="PrefetchEntries"/>
/// (entries, once the buckets are in) let the owner's batch loop start them two stages ahead.
/// Without per-target lists (<c>linked: false</c>, the attractor, which groups by scanning) a new
/// pair also skips the write to the previous list head, another miss.</para>
/// <para>What every sweep reads — last contact, target, contacts — lives in a dense side array
/// indexed by pair slot (16 bytes a pair), apart from the keys and list links: the periodic sweeps
/// over hundreds of thousands of pairs stream a quarter of the bytes.</para>
/// </remarks>
internal sealed class SourceWindowTable
{
    private const int None = -1;

    /// <summary>Padded to 48 bytes so a target's table entry (key, target, chain) is one 64-byte cache line.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 48)]
    internal struct Target
    {
        public ulong Dst;
        public ushort DstPort;
        public byte Protocol;
        public bool Armed;          // an evaluation is scheduled (fan-in)
        public int Distinct;        // live pairs
        public int Head;            // first pair slot
        public long LastEvaluatedNs;
        public long SkipUntilNs;    // attractor: not re-evaluated before this time
    }

    /// <summary>Cold part of a pair, beside its key (a 32-byte entry): read when a target's sources are collected.</summary>
    private struct Pair
    {
        public long FirstNs;        // first contact of this presence (reset when the pair expires)
    }

    /// <summary>A pair's neighbours in its target's list, in <see cref="_links"/> at the pair's slot (linked tables only).</summary>
    private struct Links
    {
        public int Prev, Next;
    }

    /// <summary>Hot part of a pair, in <see cref="_activity"/> at the pair's slot.</summary>
    private struct Activity
    {
        public long LastNs;
        public int Target;          // target slot; None = the pair slot is free
        public int Contacts;
    }

    private readonly SlotMap<IdKey, Target> _targets;
    private readonly SlotMap<PairKey, Pair> _pairs;
    private Activity[] _activity;
    private Links[] _links;
    private readonly bool _linked;

    // Targets whose last pair expired (and, if an evaluation was still scheduled, stayed): the only
    // ones a sweep can drop, so it need not read every target. Unordered, may repeat.
    private int[] _emptied = new int[256];
    private int _emptiedCount;

    // Grouping scratch: per target slot, dense so the pair sweep hits L2 instead of the target table,
    // the group of a selected target (else None); and the selected pairs, in slot order.
    private int[] _groupOf = new int[1024];
    private int[] _members = new int[1024];

    /// <param name="maxPairs">Pairs tracked at most; contacts of further pairs are refused.</param>
    /// <param name="linked">Keep each target's pairs in a list (<see cref="Collect"/>, <see cref="OldestLastSeen"/>).</param>
    public SourceWindowTable(int maxPairs, bool linked = true)
    {
        _pairs = new SlotMap<PairKey, Pair>(4096, maxPairs);
        _targets = new SlotMap<IdKey, Target>(1024, maxPairs);
        _activity = new Activity[_pairs.Capacity];
        _links = linked ? new Links[_pairs.Capacity] : [];
        _linked = linked;
    }

    /// <summary>Contacts not tracked because the pair table was full.</summary>
    public long Refused { get; private set; }

    public int PairCount => _pairs.Count;

    public ref Target TargetAt(int slot) => ref _targets.ValueAt(slot);

    /// <summary>Contacts to look ahead when prefetching (for a two-stage prefetch, the first stage runs twice as far).</summary>
    public const int PrefetchDistance = 4;

    /// <summary>Table hash of the (target, source) pair.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PairHash(ulong targetKey, ulong source) => HashMix.Mix(targetKey, source);

    /// <summary>Table hash of a target.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TargetHash(ulong targetKey) => HashMix.Mix(targetKey);

    /// <summary>First prefetch stage: the pair's and the target's buckets.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int pairHash, int targetHash)
    {
        _pairs.Prefetch(pairHash);
        _targets.Prefetch(targetHash);
    }

    /// <summary>Second prefetch stage: the entries the buckets point at, and the pair's activity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void PrefetchEntries(int pairHash, int targetHash)
    {
        int pair = _pairs.PrefetchEntry(pairHash);
        if (Sse.IsSupported && (uint)pair < (uint)_activity.Length)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref _activity[pair]));
        }

        _targets.PrefetchEntry(targetHash);
    }

    /// <summary>
    /// Records a contact of <paramref name="edge"/>'s source with a target. Returns the target slot
    /// when the source is new to the target (its distinct count grew), else -1. A repeat contact
    /// touches only the pair table. The hashes are <see cref="PairHash"/> and <see cref="TargetHash"/>.
    /// </summary>
    public int Record(ulong targetKey, in GraphEdge edge, long ts, bool keepPort, int pairHash, int targetHash)
    {
        int p = _pairs.FindOrAdd(new PairKey(targetKey, edge.SrcNode), pairHash, out bool pairAdded);
        if (p < 0)
        {
            Refused++;
            return None;
        }

        if (!pairAdded)
        {
            ref Activity known = ref _activity[p];
            known.LastNs = Math.Max(known.LastNs, ts);
            known.Contacts++;
            return None;
        }

        if (p >= _activity.Length)
        {
            // The pair table grew.
            Array.Resize(ref _activity, _pairs.Capacity);
            if (_linked)
            {
                Array.Resize(ref _links, _pairs.Capacity);
            }
        }

        int t = _targets.FindOrAdd(new IdKey(targetKey), targetHash, out bool targetAdded);
        if (t < 0)
        {
            _activity[p].Target = None;
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

        _activity[p] = new Activity { LastNs = ts, Target = t, Contacts = 1 };
        _pairs.ValueAt(p) = new Pair { FirstNs = ts };
        if (_linked)
        {
            _links[p] = new Links { Prev = None, Next = target.Head };
            if (target.Head != None)
            {
                _links[target.Head].Prev = p;
            }

            target.Head = p;
        }

        target.Distinct++;
        return t;
    }

    /// <summary>Drops pairs last seen before <paramref name="cutoffNs"/>, then targets with no pairs and nothing scheduled.</summary>
    public void ExpireBefore(long cutoffNs)
    {
        ExpirePairs(cutoffNs);

        // In ascending slot order, as a scan of every target would: the order decides which freed
        // slots later targets get.
        Span<int> emptied = _emptied.AsSpan(0, _emptiedCount);
        emptied.Sort();
        int kept = 0;
        for (int k = 0; k < emptied.Length; k++)
        {
            int t = emptied[k];
            if ((k > 0 && t == emptied[k - 1]) || !_targets.IsLive(t) || _targets.ValueAt(t).Distinct != 0)
            {
                continue;
            }

            if (_targets.ValueAt(t).Armed)
            {
                emptied[kept++] = t; // an evaluation is due: look again at the next sweep
            }
            else
            {
                _targets.RemoveAt(t);
            }
        }

        _emptiedCount = kept;
    }

    /// <summary>Drops pairs last seen before <paramref name="cutoffNs"/>, noting targets left without pairs.</summary>
    private void ExpirePairs(long cutoffNs)
    {
        Activity[] activity = _activity;
        int highWater = _pairs.HighWater;
        for (int p = 0; p < highWater; p++)
        {
            ref Activity a = ref activity[p];
            if (a.Target == None)
            {
                continue; // free slot
            }

            if (a.LastNs >= cutoffNs)
            {
                continue;
            }

            ref Target target = ref _targets.ValueAt(a.Target);
            if (_linked)
            {
                Links links = _links[p];
                if (links.Prev != None) { _links[links.Prev].Next = links.Next; } else { target.Head = links.Next; }
                if (links.Next != None) { _links[links.Next].Prev = links.Prev; }
            }

            if (--target.Distinct == 0)
            {
                if (_emptiedCount == _emptied.Length)
                {
                    Array.Resize(ref _emptied, _emptied.Length * 2);
                }

                _emptied[_emptiedCount++] = a.Target;
            }

            a.Target = None;
            _pairs.RemoveAt(p);
        }
    }

    /// <summary>Earliest last-contact time among a target's sources seen at or after <paramref name="fromNs"/>.</summary>
    public long OldestLastSeen(int targetSlot, long fromNs)
    {
        Debug.Assert(_linked, "needs the per-target lists");
        long oldest = long.MaxValue;
        for (int p = _targets.ValueAt(targetSlot).Head; p != None; p = _links[p].Next)
        {
            long last = _activity[p].LastNs;
            if (last >= fromNs && last < oldest)
            {
                oldest = last;
            }
        }

        return oldest;
    }

    /// <summary>
    /// Drops pairs last seen before <paramref name="fromNs"/> (as <see cref="ExpireBefore"/>), then groups,
    /// by target, the sources of every target with more than <paramref name="minDistinct"/> sources (and
    /// not skipped until after <paramref name="toNs"/>) whose last contact lies in [fromNs, toNs], into
    /// <paramref name="groups"/>. Two sequential passes over the pairs' activity (expire, then select) instead
    /// of walking each target's list, which would chase pointers across the whole table. Returns how many targets have more than <paramref name="minDistinct"/> sources.
    /// </summary>
    public int ExpireAndGroupSources(int minDistinct, long fromNs, long toNs, SourceGroups groups)
    {
        ExpirePairs(fromNs);
        _emptiedCount = 0; // every target is visited below anyway
        if (_groupOf.Length < _targets.Capacity)
        {
            _groupOf = new int[_targets.Capacity];
        }

        groups.Reset();
        int large = 0;
        for (int t = 0; t < _targets.HighWater; t++)
        {
            if (!_targets.IsLive(t))
            {
                continue;
            }

            ref Target target = ref _targets.ValueAt(t);
            if (target.Distinct == 0 && !target.Armed)
            {
                _targets.RemoveAt(t);
                continue;
            }

            bool over = target.Distinct > minDistinct;
            large += over ? 1 : 0;
            _groupOf[t] = over && target.SkipUntilNs <= toNs ? groups.AddGroup(t) : None;
        }

        if (groups.GroupCount == 0)
        {
            return large;
        }

        // Find the selected pairs (counting them per group), then place them group by group, each
        // group's sources in slot order.
        int[] groupOf = _groupOf;
        Activity[] activity = _activity;
        int highWater = _pairs.HighWater, members = 0;
        for (int p = 0; p < highWater; p++)
        {
            ref Activity a = ref activity[p];
            if (a.Target != None && groupOf[a.Target] != None && a.LastNs <= toNs)
            {
                if (members == _members.Length)
                {
                    Array.Resize(ref _members, members * 2);
                }

                _members[members++] = p;
                groups.Count(groupOf[a.Target], 1);
            }
        }

        groups.Allocate();
        foreach (int p in _members.AsSpan(0, members))
        {
            ref Activity a = ref activity[p];
            groups.Place(groupOf[a.Target], _pairs.KeyAt(p).B, _pairs.ValueAt(p).FirstNs, a.LastNs, a.Contacts);
        }

        return large;
    }

    /// <summary>Copies the target's sources whose last contact lies in [fromNs, toNs] into <paramref name="sample"/>.</summary>
    public void Collect(int targetSlot, long fromNs, long toNs, SourceSample sample)
    {
        Debug.Assert(_linked, "needs the per-target lists");
        sample.Reset();
        for (int p = _targets.ValueAt(targetSlot).Head; p != None; p = _links[p].Next)
        {
            ref Activity a = ref _activity[p];
            if (a.LastNs >= fromNs && a.LastNs <= toNs)
            {
                sample.Add(_pairs.KeyAt(p).B, _pairs.ValueAt(p).FirstNs, a.LastNs, a.Contacts);
            }
        }
    }
}
