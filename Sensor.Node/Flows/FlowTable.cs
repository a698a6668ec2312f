using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Flows;

/// <summary>
/// Storage of the flow tracker: a slab of <see cref="FlowEntry"/> structs, an open-addressing index
/// (linear probing, backward-shift deletion, so no tombstones ever pile up) and a least-recently-seen
/// list. Grows by doubling up to the configured bound, then never allocates again.
/// </summary>
/// <remarks>
/// Slot numbers are handed out from a LIFO free list and the LRU list is ordered by event time, so
/// nothing the tracker emits depends on the hash seed or the bucket layout: output is deterministic.
/// The list links sit in their own array (8 bytes a slot) rather than in the 180-byte entries, so
/// moving a flow to the recent end touches its neighbours' links, not three cold entries.
/// </remarks>
internal sealed class FlowTable
{
    private const int None = -1;

    /// <summary>Flows the first index holds at load one half; it doubles as the table fills.</summary>
    private const int InitialIndexedFlows = 1024;

    private readonly int _maxFlows;

    /// <summary>Slots; [0, <see cref="_highWater"/>) have been used at least once.</summary>
    private FlowEntry[] _entries;

    /// <summary>LRU links per slot (-1 = none); a free slot's <see cref="Link.Next"/> chains the free list.</summary>
    private Link[] _links;

    /// <summary>
    /// Slot index + 1 per bucket, 0 = empty; length a power of two, at least twice the flows. Sized by
    /// the flows in the table, not the slots allocated: a few thousand live flows then probe an index of
    /// some kilobytes that stays in cache, instead of one sized for the whole slab.
    /// </summary>
    private int[] _buckets;

    private int _bucketMask;
    private int _highWater;
    private int _freeHead = None;

    public FlowTable(int initialCapacity, int maxFlows)
    {
        _maxFlows = maxFlows;
        int capacity = Math.Clamp(initialCapacity, 1, maxFlows);
        _entries = new FlowEntry[capacity];
        _links = new Link[capacity];
        _buckets = new int[BucketCountFor(Math.Min(capacity, InitialIndexedFlows))];
        _bucketMask = _buckets.Length - 1;
    }

    /// <summary>Flows in the table.</summary>
    public int Count { get; private set; }

    /// <summary>Slots allocated so far (grows up to the bound).</summary>
    public int Capacity => _entries.Length;

    /// <summary>True when adding a flow needs an eviction first.</summary>
    public bool IsFull => Count == _maxFlows;

    /// <summary>Least recently seen flow, or -1.</summary>
    public int LruHead { get; private set; } = None;

    /// <summary>Most recently seen flow, or -1.</summary>
    public int LruTail { get; private set; } = None;

    public ref FlowEntry this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _entries[index];
    }

    /// <summary>The flow seen just before <paramref name="slot"/> (one step toward the LRU head), or -1.</summary>
    public int PreviousOf(int slot) => _links[slot].Prev;

    /// <summary>
    /// First step of a lookup ahead of time: asks for the cache line of the bucket <paramref name="hash"/> lands in.
    /// A hint, never a fault; <see cref="PrefetchEntry"/> some packets later then finds the entry's lines.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void PrefetchBucket(ulong hash)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref _buckets[(int)hash & _bucketMask]));
        }
    }

    /// <summary>
    /// Second step: asks for the lines of the flow the bucket names (the key, then the counters), so that
    /// <see cref="Find"/> and the tracker's update of that flow no longer wait for memory. With tens of
    /// thousands of flows in the table the entries do not fit in the core's cache, and this wait was the
    /// single largest cost of a replay. A hint: a wrong or empty bucket only wastes the request.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void PrefetchEntry(ulong hash)
    {
        if (Sse.IsSupported)
        {
            int slot = _buckets[(int)hash & _bucketMask] - 1;
            if ((uint)slot < (uint)_entries.Length)
            {
                byte* entry = (byte*)Unsafe.AsPointer(ref _entries[slot]);
                Sse.Prefetch0(entry);
                Sse.Prefetch0(entry + 64);
                Sse.Prefetch0(entry + 128);
            }
        }
    }

    /// <summary>Slot of the flow with this key, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(in FlowKey key, ulong hash)
    {
        int[] buckets = _buckets;
        FlowEntry[] entries = _entries;
        int bucket = (int)hash & _bucketMask;
        while (true)
        {
            int slot = buckets[bucket] - 1;
            if (slot < 0)
            {
                return None;
            }

            ref FlowEntry entry = ref entries[slot];
            if (entry.Hash == hash && entry.Key.Equals(key))
            {
                return slot;
            }

            bucket = (bucket + 1) & _bucketMask;
        }
    }

    /// <summary>Adds a flow (the table must not be full) at the most-recent end of the LRU list; returns its slot.</summary>
    [MethodImpl(HotPath.Optimize)]
    public int Add(in FlowKey key, ulong hash)
    {
        Debug.Assert(!IsFull, "evict before adding");
        int slot;
        if (_freeHead != None)
        {
            slot = _freeHead;
            _freeHead = _links[slot].Next;
        }
        else
        {
            if (_highWater == _entries.Length)
            {
                Grow();
            }

            slot = _highWater++;
        }

        if ((Count + 1) * 2 > _buckets.Length)
        {
            RebuildIndex(_buckets.Length * 2);
        }

        ref FlowEntry entry = ref _entries[slot];
        entry = default;
        entry.Key = key;
        entry.Hash = hash;
        entry.State = FlowEntryState.InUse;
        InsertBucket(slot, hash);
        LinkAtTail(slot);
        Count++;
        return slot;
    }

    /// <summary>Removes a flow; its slot goes to the free list.</summary>
    [MethodImpl(HotPath.Optimize)]
    public void Remove(int slot)
    {
        ref FlowEntry entry = ref _entries[slot];
        Debug.Assert(entry.Has(FlowEntryState.InUse), "removing a free slot");
        RemoveBucket(slot, entry.Hash);
        Unlink(slot);
        entry.State = FlowEntryState.None;
        _links[slot].Next = _freeHead;
        _freeHead = slot;
        Count--;
    }

    /// <summary>Marks a flow as the most recently seen.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Touch(int slot)
    {
        if (slot != LruTail)
        {
            Unlink(slot);
            LinkAtTail(slot);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void LinkAtTail(int slot)
    {
        ref Link link = ref _links[slot];
        link.Prev = LruTail;
        link.Next = None;
        if (LruTail == None)
        {
            LruHead = slot;
        }
        else
        {
            _links[LruTail].Next = slot;
        }

        LruTail = slot;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Unlink(int slot)
    {
        Link link = _links[slot];
        if (link.Prev == None)
        {
            LruHead = link.Next;
        }
        else
        {
            _links[link.Prev].Next = link.Next;
        }

        if (link.Next == None)
        {
            LruTail = link.Prev;
        }
        else
        {
            _links[link.Next].Prev = link.Prev;
        }
    }

    private void InsertBucket(int slot, ulong hash)
    {
        int bucket = (int)hash & _bucketMask;
        while (_buckets[bucket] != 0)
        {
            bucket = (bucket + 1) & _bucketMask;
        }

        _buckets[bucket] = slot + 1;
    }

    /// <summary>Backward-shift deletion: later members of the probe run move up so lookups never need tombstones.</summary>
    [MethodImpl(HotPath.Optimize)]
    private void RemoveBucket(int slot, ulong hash)
    {
        int hole = (int)hash & _bucketMask;
        while (_buckets[hole] != slot + 1)
        {
            hole = (hole + 1) & _bucketMask;
        }

        int next = hole;
        while (true)
        {
            next = (next + 1) & _bucketMask;
            int occupant = _buckets[next];
            if (occupant == 0)
            {
                break;
            }

            int home = (int)_entries[occupant - 1].Hash & _bucketMask;
            // The occupant may fill the hole only if its home is not cyclically inside (hole, next].
            bool homeBetween = hole <= next ? home > hole && home <= next : home > hole || home <= next;
            if (!homeBetween)
            {
                _buckets[hole] = occupant;
                hole = next;
            }
        }

        _buckets[hole] = 0;
    }

    private void Grow()
    {
        int capacity = (int)Math.Min((long)_entries.Length * 2, _maxFlows);
        Array.Resize(ref _entries, capacity);
        Array.Resize(ref _links, capacity);
    }

    private void RebuildIndex(int bucketCount)
    {
        _buckets = new int[bucketCount];
        _bucketMask = bucketCount - 1;
        for (int slot = 0; slot < _highWater; slot++)
        {
            if (_entries[slot].Has(FlowEntryState.InUse))
            {
                InsertBucket(slot, _entries[slot].Hash);
            }
        }
    }

    /// <summary>Neighbours of a slot in the LRU list.</summary>
    private struct Link
    {
        public int Prev;
        public int Next;
    }

    /// <summary>Load factor at most one half keeps linear-probe runs short.</summary>
    private static int BucketCountFor(int capacity) => (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity * 2, 2));
}
