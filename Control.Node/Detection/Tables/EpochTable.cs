using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace NerfEngine.Control.Detection.Tables;

/// <summary>When a key of an <see cref="EpochTable{TKey, TValue}"/> or <see cref="EpochSet"/> was last touched, as seen by the touch that returns it.</summary>
internal static class EpochAge
{
    /// <summary>Already touched in the current epoch.</summary>
    public const int Current = 0;

    /// <summary>Last touched in the previous epoch; its value is as that epoch left it.</summary>
    public const int Previous = 1;

    /// <summary>Last touched two or more epochs ago; its value is as it was left (reset what is per epoch).</summary>
    public const int Stale = 2;

    /// <summary>Not in the table; its value is default.</summary>
    public const int New = 3;
}

/// <summary>
/// Open-addressing (linear probing) map for tumbling detection windows that is never cleared: each
/// slot carries the number of the window (epoch) its key was last touched in, so "first touch this
/// window", "seen last window" and "stale" are one subtraction, and closing a window is
/// <see cref="NextEpoch"/>, O(1). Clearing a table per window (and keeping last window's beside it
/// for comparison) costs a second probe per new key and a random write per entry at every close.
/// </summary>
/// <remarks>
/// <para>Keys and values live inline in the slot, and slots sit in cache-line aligned memory
/// (<see cref="CacheLineMemory"/>): with a slot size of 16, 32 or 64 bytes (pad the value to get one)
/// a probe is one line and <see cref="Prefetch"/> fetches all of it.</para>
/// <para>Stale slots (touched two or more epochs ago) keep occupying the array until a rebuild, which
/// runs when occupancy reaches 5/8: stale slots are dropped and survivors re-seated in place, or the
/// array doubles when survivors alone exceed 3/8 (so a rebuild frees at least a quarter of the slots,
/// and its O(capacity) cost is spread over that many adds). With <c>keepPrevious: false</c> only the
/// current epoch's keys survive a rebuild. A rebuild moves entries: slot indices are valid until the
/// next <see cref="Touch"/> that adds a key; <see cref="EnsureRoom"/> pins them.</para>
/// <para>Single-threaded.</para>
/// </remarks>
internal sealed unsafe class EpochTable<TKey, TValue>
    where TKey : unmanaged, IEquatable<TKey>
    where TValue : unmanaged
{
    /// <summary>Epochs start here so that 0 marks an empty slot and "previous" (≥ 1) is always a real number.</summary>
    private const uint FirstEpoch = 2;

    private struct Slot
    {
        public TKey Key;
        public uint Epoch;   // 0 = empty
        public TValue Value;
    }

    private byte[] _memory;           // pinned (see CacheLineMemory): keeps _slots valid
    private Slot* _slots;             // first slot, cache-line aligned
    private int _capacity;            // slots, a power of two
    private int _mask;
    private int _occupied;            // slots holding a key, live or stale
    private int _rebuildAt;           // occupancy that triggers a rebuild (5/8 of the capacity)
    private uint _epoch = FirstEpoch;
    private int _touched;             // keys touched in the current epoch
    private int _previousTouched;
    private readonly int _maxPerEpoch;
    private readonly uint _survivingAge;  // a rebuild keeps keys at most this many epochs old
    private int[]? _order;            // slots first touched this epoch, in touch order (when tracked)
    private TKey[]? _orderKeys;       // scratch to find the order's slots again after a rebuild

    /// <param name="expectedCount">Keys per epoch to hold without growing.</param>
    /// <param name="maxPerEpoch">First touches per epoch beyond this are refused (<see cref="Touch"/> returns -1).</param>
    /// <param name="trackOrder">Keep <see cref="TouchedSlots"/>: this epoch's keys in first-touch order.</param>
    /// <param name="keepPrevious">Whether the owner reads last epoch's values (<see cref="EpochAge.Previous"/>); if not, rebuilds drop them.</param>
    public EpochTable(int expectedCount, int maxPerEpoch = int.MaxValue, bool trackOrder = false, bool keepPrevious = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerEpoch, 1);
        Debug.Assert(CacheLineMemory.LineSize % sizeof(Slot) == 0, "a slot should not straddle cache lines");
        _maxPerEpoch = maxPerEpoch;
        _survivingAge = keepPrevious ? 1u : 0u;
        _memory = Allocate((int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(expectedCount * 4, 16, 1 << 28)));
        if (trackOrder)
        {
            _order = new int[Math.Clamp(expectedCount, 16, 1 << 20)];
        }
    }

    /// <summary>Keys touched in the current epoch.</summary>
    public int Count => _touched;

    /// <summary>Keys touched in the previous epoch (as of its close).</summary>
    public int PreviousCount => _previousTouched;

    /// <summary>Slots in the table (memory footprint in slots).</summary>
    public int Capacity => _capacity;

    /// <summary>This epoch's slots in first-touch order; only with <c>trackOrder</c>. Valid until the next add.</summary>
    public ReadOnlySpan<int> TouchedSlots => _order.AsSpan(0, _order is null ? 0 : _touched);

    /// <summary>The value at a slot, by reference (valid until the next add).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref TValue ValueAt(int slot)
    {
        Debug.Assert((uint)slot < (uint)_capacity);
        return ref _slots[slot].Value;
    }

    /// <summary>The key at a slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly TKey KeyAt(int slot)
    {
        Debug.Assert((uint)slot < (uint)_capacity);
        return ref _slots[slot].Key;
    }

    /// <summary>Hints the CPU to load the home slot of a key with this hash; a no-op where unsupported.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int hash)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(_slots + (hash & _mask));
        }
    }

    /// <summary>Slot of <paramref name="key"/> whatever its epoch, or -1.</summary>
    public int Find(in TKey key, int hash)
    {
        for (int i = hash & _mask; ; i = (i + 1) & _mask)
        {
            Slot* s = _slots + i;
            if (s->Epoch == 0)
            {
                return -1;
            }

            if (s->Key.Equals(key))
            {
                return i;
            }
        }
    }

    /// <summary>
    /// Marks <paramref name="key"/> (whose hash is <paramref name="hash"/>) as seen in the current
    /// epoch, adding it when absent, and returns its slot; <paramref name="age"/> says when it was
    /// seen before. Returns -1 when the key is not yet in this epoch and either the epoch is at its
    /// bound or <paramref name="mayAdd"/> is false (the caller's own bound).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Touch(in TKey key, int hash, out int age, bool mayAdd = true)
    {
        Slot* slots = _slots;
        int mask = _mask;
        int i = hash & mask;
        while (true)
        {
            Slot* s = slots + i;
            if (s->Epoch == 0)
            {
                break;
            }

            if (s->Key.Equals(key))
            {
                uint since = _epoch - s->Epoch;
                if (since == 0)
                {
                    age = EpochAge.Current;
                    return i;
                }

                return Retouch(s, i, since, out age, mayAdd);
            }

            i = (i + 1) & mask;
        }

        return Add(key, hash, i, out age, mayAdd);
    }

    /// <summary>Makes sure <paramref name="extra"/> adds cannot trigger a rebuild, so slots taken before them stay valid.</summary>
    public void EnsureRoom(int extra)
    {
        if (_occupied + extra > _rebuildAt)
        {
            Rebuild(extra);
        }
    }

    /// <summary>Closes the current epoch: every key becomes "previous", previous keys become stale. O(1).</summary>
    public void NextEpoch()
    {
        _previousTouched = _touched;
        _touched = 0;
        _epoch++;
        if (_epoch == uint.MaxValue)
        {
            Renumber();
        }
    }

    private int Retouch(Slot* s, int slot, uint since, out int age, bool mayAdd)
    {
        age = since == 1 ? EpochAge.Previous : EpochAge.Stale;
        if (!mayAdd || _touched >= _maxPerEpoch)
        {
            return -1;
        }

        s->Epoch = _epoch;
        Record(slot);
        return slot;
    }

    private int Add(in TKey key, int hash, int slot, out int age, bool mayAdd)
    {
        age = EpochAge.New;
        if (!mayAdd || _touched >= _maxPerEpoch)
        {
            return -1;
        }

        if (_occupied >= _rebuildAt)
        {
            Rebuild(1);
            return Touch(key, hash, out age);
        }

        Slot* s = _slots + slot;
        s->Key = key;
        s->Epoch = _epoch;
        s->Value = default;
        _occupied++;
        Record(slot);
        return slot;
    }

    private void Record(int slot)
    {
        if (_order is not null)
        {
            if (_touched == _order.Length)
            {
                Array.Resize(ref _order, _order.Length * 2);
            }

            _order[_touched] = slot;
        }

        _touched++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Survives(uint epoch) => epoch != 0 && _epoch - epoch <= _survivingAge;

    /// <summary>Allocates <paramref name="capacity"/> empty slots and points <see cref="_slots"/> at them; returns the memory to keep referenced.</summary>
    private byte[] Allocate(int capacity)
    {
        byte[] memory = CacheLineMemory.Allocate(capacity, out _slots);
        _capacity = capacity;
        _mask = capacity - 1;
        _rebuildAt = capacity / 8 * 5;
        return memory;
    }

    /// <summary>Drops stale keys; doubles the table when the survivors (plus <paramref name="extra"/>) would still fill 3/8 of it.</summary>
    private void Rebuild(int extra)
    {
        // The order list holds slot indices, which move: remember its keys, find them again after.
        int ordered = _order is null ? 0 : _touched;
        if (ordered > 0)
        {
            if (_orderKeys is null || _orderKeys.Length < ordered)
            {
                _orderKeys = new TKey[_order!.Length];
            }

            for (int k = 0; k < ordered; k++)
            {
                _orderKeys[k] = _slots[_order![k]].Key;
            }
        }

        int live = 0;
        for (int i = 0; i < _capacity; i++)
        {
            live += Survives(_slots[i].Epoch) ? 1 : 0;
        }

        int size = _capacity;
        while ((long)(live + extra) * 8 > (long)size * 3)
        {
            size *= 2;
        }

        if (size != _capacity)
        {
            Grow(size);
        }
        else
        {
            PurgeInPlace();
        }

        for (int k = 0; k < ordered; k++)
        {
            ref readonly TKey key = ref _orderKeys![k];
            _order![k] = Find(key, key.GetHashCode());
            Debug.Assert(_order[k] >= 0, "keys touched this epoch survive a rebuild");
        }
    }

    private void Grow(int size)
    {
        Slot* old = _slots;
        int oldCapacity = _capacity;
        byte[] oldMemory = _memory;
        _memory = Allocate(size);
        _occupied = 0;
        for (int i = 0; i < oldCapacity; i++)
        {
            Slot* s = old + i;
            if (Survives(s->Epoch))
            {
                int j = s->Key.GetHashCode() & _mask;
                while (_slots[j].Epoch != 0)
                {
                    j = (j + 1) & _mask;
                }

                _slots[j] = *s;
                _occupied++;
            }
        }

        GC.KeepAlive(oldMemory); // read through `old` above
    }

    /// <summary>
    /// Empties stale slots, then re-seats every survivor at the first free slot from its home. The
    /// sweep starts after a slot that was empty before the purge, so each probe run is walked from its
    /// start: an entry only moves back towards its home, over slots already re-seated, and never
    /// across the empty slot that bounds its run — every key stays reachable.
    /// </summary>
    private void PurgeInPlace()
    {
        Slot* slots = _slots;
        int mask = _mask;
        int start = 0;
        while (slots[start].Epoch != 0)
        {
            start++; // exists: occupancy is at most 5/8
        }

        for (int i = 0; i < _capacity; i++)
        {
            if (slots[i].Epoch != 0 && !Survives(slots[i].Epoch))
            {
                slots[i] = default;
            }
        }

        int occupied = 0;
        for (int k = 1; k <= _capacity; k++)
        {
            int i = (start + k) & mask;
            if (slots[i].Epoch == 0)
            {
                continue;
            }

            Slot moving = slots[i];
            slots[i] = default;
            int j = moving.Key.GetHashCode() & mask;
            while (slots[j].Epoch != 0)
            {
                j = (j + 1) & mask;
            }

            slots[j] = moving;
            occupied++;
        }

        _occupied = occupied;
    }

    /// <summary>
    /// Before the epoch counter wraps (after 2^32 windows): drop stale keys and renumber. Called right
    /// after an epoch opened, so every survivor belongs to the previous epoch.
    /// </summary>
    private void Renumber()
    {
        PurgeInPlace();
        for (int i = 0; i < _capacity; i++)
        {
            if (_slots[i].Epoch != 0)
            {
                _slots[i].Epoch = FirstEpoch - 1;
            }
        }

        _epoch = FirstEpoch;
    }
}
