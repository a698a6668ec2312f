using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace NerfEngine.Control.Detection.Tables;

/// <summary>
/// Hash map from a struct key to a struct value whose slot indices stay stable until the entry
/// is removed, so other tables can link entries by index (intrusive lists) without a second lookup.
/// Chained like <see cref="Dictionary{TKey,TValue}"/> but allocation-free after growth, bounded by
/// a maximum count, and with <see cref="Clear"/> cheap enough to run once per detection window.
/// </summary>
/// <remarks>
/// Single-threaded: owned by one detector (one actor). Keys must supply a well-mixed
/// <see cref="object.GetHashCode"/> (see <see cref="HashMix"/>); the bucket index is its low bits.
/// Iterate with <c>for (i = 0; i &lt; HighWater; i++) if (IsLive(i))</c>; removing the current
/// slot while iterating is safe, adding is not. Entries sit in cache-line aligned memory
/// (<see cref="CacheLineMemory"/>): pad the value so an entry (key, value, 8 bytes of chain) is 32
/// or 64 bytes where lookups are hot.
/// </remarks>
internal sealed unsafe class SlotMap<TKey, TValue>
    where TKey : unmanaged, IEquatable<TKey>
    where TValue : unmanaged
{
    /// <summary>Free entries encode the next free slot as <c>FreeBase - next</c> (always ≤ -2).</summary>
    private const int FreeBase = -3;

    private struct Entry
    {
        public TKey Key;
        public TValue Value;

        /// <summary>≥ 0 next slot in the chain; -1 end of chain; ≤ -2 the entry is free.</summary>
        public int Next;
        public int HashCode;
    }

    /// <summary>Slot index + 1 of the first entry of each chain; 0 = empty. Length is a power of two.</summary>
    private int[] _buckets;
    private byte[] _memory;     // pinned (see CacheLineMemory): keeps _entries valid
    private Entry* _entries;    // _capacity entries, cache-line aligned
    private int _capacity;

    /// <summary>Slots [0, _highWater) have been handed out at least once since the last Clear.</summary>
    private int _highWater;
    private int _freeList = -1;
    private int _freeCount;
    private readonly int _maxCount;

    /// <param name="initialCapacity">Slots allocated up front (pre-sizing avoids growth on the hot path).</param>
    /// <param name="maxCount">Entries beyond this are refused (<see cref="FindOrAdd"/> returns -1).</param>
    public SlotMap(int initialCapacity, int maxCount = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        int size = (int)Math.Min(1 << 30, BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, initialCapacity)));
        _buckets = new int[size];
        _memory = CacheLineMemory.Allocate(size, out _entries);
        _capacity = size;
        _maxCount = maxCount;
    }

    /// <summary>Live entries.</summary>
    public int Count => _highWater - _freeCount;

    /// <summary>Upper bound (exclusive) of slot indices in use; iterate up to here.</summary>
    public int HighWater => _highWater;

    /// <summary>Slots currently allocated (memory footprint in entries).</summary>
    public int Capacity => _capacity;

    /// <summary>The most entries this map will hold.</summary>
    public int MaxCount => _maxCount;

    /// <summary>Whether slot <paramref name="slot"/> (below <see cref="HighWater"/>) holds an entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsLive(int slot)
    {
        Debug.Assert((uint)slot < (uint)_capacity);
        return _entries[slot].Next >= -1;
    }

    /// <summary>The value stored at a live slot, by reference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref TValue ValueAt(int slot)
    {
        Debug.Assert((uint)slot < (uint)_capacity);
        return ref _entries[slot].Value;
    }

    /// <summary>The key stored at a live slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly TKey KeyAt(int slot)
    {
        Debug.Assert((uint)slot < (uint)_capacity);
        return ref _entries[slot].Key;
    }

    /// <summary>Hints the CPU to load the bucket of a key with this hash; a no-op where unsupported.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int hash)
    {
        if (Sse.IsSupported)
        {
            // A prefetch never faults, so an address made stale by a GC move is harmless.
            Sse.Prefetch0(Unsafe.AsPointer(ref _buckets[hash & (_buckets.Length - 1)]));
        }
    }

    /// <summary>
    /// Second prefetch stage: reads the bucket (fetched earlier by <see cref="Prefetch"/>) and hints the
    /// CPU to load the first entry of its chain, the lookup's second dependent miss. Returns that
    /// entry's slot (-1 for an empty chain), so the caller can prefetch data it keeps per slot.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int PrefetchEntry(int hash)
    {
        int i = _buckets[hash & (_buckets.Length - 1)] - 1;
        if (Sse.IsSupported && (uint)i < (uint)_capacity)
        {
            Sse.Prefetch0(_entries + i);
        }

        return i;
    }

    /// <summary>Slot of <paramref name="key"/>, or -1.</summary>
    public int Find(in TKey key) => Find(key, key.GetHashCode());

    /// <summary>Slot of <paramref name="key"/> whose hash is <paramref name="hash"/>, or -1.</summary>
    public int Find(in TKey key, int hash)
    {
        Entry* entries = _entries;
        int i = _buckets[hash & (_buckets.Length - 1)] - 1;
        while ((uint)i < (uint)_capacity)
        {
            ref Entry e = ref entries[i];
            if (e.HashCode == hash && e.Key.Equals(key))
            {
                return i;
            }

            i = e.Next;
        }

        return -1;
    }

    /// <summary>
    /// Slot of <paramref name="key"/>, adding a default value when absent; -1 when the map is at
    /// <see cref="MaxCount"/> and the key is absent (the caller counts the refusal).
    /// </summary>
    public int FindOrAdd(in TKey key, out bool added) => FindOrAdd(key, key.GetHashCode(), out added);

    /// <summary><see cref="FindOrAdd(in TKey, out bool)"/> with the key's hash already computed (by a prefetch).</summary>
    public int FindOrAdd(in TKey key, int hash, out bool added)
    {
        int bucket = hash & (_buckets.Length - 1);
        Entry* entries = _entries;
        int i = _buckets[bucket] - 1;
        while ((uint)i < (uint)_capacity)
        {
            ref Entry e = ref entries[i];
            if (e.HashCode == hash && e.Key.Equals(key))
            {
                added = false;
                return i;
            }

            i = e.Next;
        }

        added = false;
        if (Count >= _maxCount)
        {
            return -1;
        }

        int slot;
        if (_freeCount > 0)
        {
            slot = _freeList;
            _freeList = FreeBase - _entries[slot].Next;
            _freeCount--;
            PrefetchFree();
        }
        else
        {
            if (_highWater == _capacity)
            {
                Grow();
                bucket = hash & (_buckets.Length - 1);
            }

            slot = _highWater++;
        }

        ref Entry entry = ref _entries[slot];
        entry.Key = key;
        entry.Value = default;
        entry.HashCode = hash;
        entry.Next = _buckets[bucket] - 1;
        _buckets[bucket] = slot + 1;
        added = true;
        return slot;
    }

    /// <summary>
    /// Freed slots are scattered, so the next add's entry is a cache miss of its own: start loading it
    /// now, while the caller fills the slot just handed out.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PrefetchFree()
    {
        if (Sse.IsSupported && _freeCount > 0)
        {
            Sse.Prefetch0(_entries + _freeList);
        }
    }

    /// <summary>Removes the entry at a live slot; the slot is reused by a later add.</summary>
    public void RemoveAt(int slot)
    {
        Debug.Assert(IsLive(slot));
        ref Entry e = ref _entries[slot];
        ref int link = ref _buckets[e.HashCode & (_buckets.Length - 1)];
        if (link - 1 == slot)
        {
            link = e.Next + 1;
        }
        else
        {
            int i = link - 1;
            while (_entries[i].Next != slot)
            {
                i = _entries[i].Next;
            }

            _entries[i].Next = e.Next;
        }

        e.Next = FreeBase - _freeList;
        _freeList = slot;
        _freeCount++;
    }

    /// <summary>Removes every entry but keeps the allocated capacity (no allocation next window).</summary>
    public void Clear()
    {
        if (_highWater == 0)
        {
            return;
        }

        Array.Clear(_buckets);
        _highWater = 0;
        _freeList = -1;
        _freeCount = 0;
    }

    private void Grow()
    {
        int size = checked(_capacity * 2);
        byte[] oldMemory = _memory;
        Entry* old = _entries;
        _memory = CacheLineMemory.Allocate(size, out _entries);
        Buffer.MemoryCopy(old, _entries, (long)size * sizeof(Entry), (long)_highWater * sizeof(Entry));
        GC.KeepAlive(oldMemory); // read through `old` above
        _capacity = size;
        _buckets = new int[size];
        int mask = size - 1;
        for (int i = 0; i < _highWater; i++)
        {
            ref Entry e = ref _entries[i];
            if (e.Next >= -1)
            {
                int b = e.HashCode & mask;
                e.Next = _buckets[b] - 1;
                _buckets[b] = i + 1;
            }
        }
    }
}
