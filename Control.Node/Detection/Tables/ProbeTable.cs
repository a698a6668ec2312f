using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace NerfEngine.Control.Detection.Tables;

/// <summary>
/// Open-addressing (linear probing) map with keys and values inline in one slot array, for the
/// per-window sets of the detectors. One probe is one cache line in the common case, against two
/// dependent misses (bucket, then entry) for a chained table, and <see cref="Prefetch"/> lets a batch
/// loop overlap the next records' misses with the current record's work.
/// </summary>
/// <remarks>
/// No single-entry removal: window tables are only filled and then <see cref="Clear"/>ed, which costs
/// O(entries used), not O(capacity), thanks to the list of used slots. Slot indices and refs stay
/// valid until the next add (an add may grow the table). Load factor ≤ 1/2. Single-threaded.
/// </remarks>
internal sealed class ProbeTable<TKey, TValue>
    where TKey : struct, IEquatable<TKey>
    where TValue : struct
{
    private struct Slot
    {
        public TKey Key;
        public TValue Value;

        /// <summary>0 = empty; otherwise the key's hash with the low bit set.</summary>
        public int Tag;
    }

    private Slot[] _slots;
    private int[] _used;     // indices of occupied slots, in insertion order
    private int _count;
    private int _mask;
    private readonly int _maxCount;

    /// <param name="expectedCount">Entries to hold without growing.</param>
    /// <param name="maxCount">Adds beyond this are refused (<see cref="FindOrAdd"/> returns -1).</param>
    public ProbeTable(int expectedCount, int maxCount = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(expectedCount * 2, 16, 1 << 30));
        _slots = new Slot[size];
        _used = new int[size / 2];
        _mask = size - 1;
        _maxCount = maxCount;
    }

    /// <summary>Entries held.</summary>
    public int Count => _count;

    /// <summary>Occupied slot indices, in insertion order (iterate these, not the slot array).</summary>
    public ReadOnlySpan<int> UsedSlots => _used.AsSpan(0, _count);

    /// <summary>The value at an occupied slot, by reference (valid until the next add).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref TValue ValueAt(int slot) => ref _slots[slot].Value;

    /// <summary>The key at an occupied slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly TKey KeyAt(int slot) => ref _slots[slot].Key;

    /// <summary>Hints the CPU to load the home slot of <paramref name="key"/>; a no-op where unsupported.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(in TKey key)
    {
        if (Sse.IsSupported)
        {
            // A prefetch never faults, so an address made stale by a GC move is harmless.
            Sse.Prefetch0(Unsafe.AsPointer(ref _slots[key.GetHashCode() & _mask]));
        }
    }

    /// <summary>Slot of <paramref name="key"/>, or -1.</summary>
    public int Find(in TKey key)
    {
        int tag = key.GetHashCode() | 1;
        Slot[] slots = _slots;
        for (int i = tag & _mask; ; i = (i + 1) & _mask)
        {
            ref Slot s = ref slots[i];
            if (s.Tag == 0)
            {
                return -1;
            }

            if (s.Tag == tag && s.Key.Equals(key))
            {
                return i;
            }
        }
    }

    /// <summary>Slot of <paramref name="key"/>, adding a default value when absent; -1 when full at <c>maxCount</c>.</summary>
    public int FindOrAdd(in TKey key, out bool added)
    {
        int tag = key.GetHashCode() | 1;
        Slot[] slots = _slots;
        int i = tag & _mask;
        for (; ; i = (i + 1) & _mask)
        {
            ref Slot s = ref slots[i];
            if (s.Tag == 0)
            {
                break;
            }

            if (s.Tag == tag && s.Key.Equals(key))
            {
                added = false;
                return i;
            }
        }

        if (_count >= _maxCount)
        {
            added = false;
            return -1;
        }

        if (_count >= _used.Length)
        {
            Grow();
            return FindOrAdd(key, out added);
        }

        ref Slot slot = ref slots[i];
        slot.Tag = tag;
        slot.Key = key;
        slot.Value = default;
        _used[_count++] = i;
        added = true;
        return i;
    }

    /// <summary>Grows now if <paramref name="extra"/> adds could trigger growth, so indices taken before them stay valid.</summary>
    public void EnsureRoom(int extra)
    {
        while (_count + extra > _used.Length)
        {
            Grow();
        }
    }

    /// <summary>Empties the table in O(entries), keeping its capacity.</summary>
    public void Clear()
    {
        Slot[] slots = _slots;
        foreach (int i in _used.AsSpan(0, _count))
        {
            slots[i] = default;
        }

        _count = 0;
    }

    private void Grow()
    {
        Slot[] old = _slots;
        int[] used = _used;
        int count = _count;
        _slots = new Slot[old.Length * 2];
        _used = new int[old.Length];
        _mask = _slots.Length - 1;
        _count = 0;
        foreach (int i in used.AsSpan(0, count))
        {
            ref Slot s = ref old[i];
            int j = s.Tag & _mask;
            while (_slots[j].Tag != 0)
            {
                j = (j + 1) & _mask;
            }

            _slots[j] = s;
            _used[_count++] = j;
        }
    }
}
