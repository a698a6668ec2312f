using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NerfEngine.Control.Detection.Tables;

/// <summary>
/// The key-only sibling of <see cref="EpochTable{TKey, TValue}"/>, for the table probed by every record
/// (the metrics collector's window edges). Each 8-byte slot packs a 60-bit fingerprint with the last
/// epoch mod 16; slots come in buckets of eight, one cache line, compared at once (one AVX-512
/// compare where available). Ages are <see cref="EpochAge"/>'s.
/// </summary>
/// <remarks>
/// <para>Why buckets: whether a key is new this window is a coin flip, and with one slot per probe
/// the branches on "empty / this key / another key" mispredict, each costing the wait for that
/// line. With a bucket, <see cref="Touch"/> picks the slot (the key's, else the first empty one) and
/// computes the age without branching on either; it only branches when a whole bucket is full of
/// other keys, which at most 5/8 occupancy is rare.</para>
/// <para>Fingerprints are compared, not keys: two keys collide when their 60-bit fingerprints match,
/// about n²/2^61 per epoch of n keys (4·10⁻⁸ for 300,000), so a window's distinct-edge count may,
/// once in a great while, be one short.</para>
/// <para>Epochs wrap at 16, so an entry must not go untouched for 14 epochs without a purge: besides
/// the rebuilds at 5/8 occupancy (as in <see cref="EpochTable{TKey, TValue}"/>), a purge runs every 12 epochs.</para>
/// <para>Single-threaded.</para>
/// </remarks>
internal sealed unsafe class EpochSet
{
    private const int Ways = 8;                 // slots per bucket: 8 × 8 bytes = one cache line
    private const int EpochBits = 4;
    private const ulong EpochMask = (1 << EpochBits) - 1;
    private const int PurgeEvery = 12;

    private byte[] _memory;      // pinned (see CacheLineMemory): keeps _slots valid
    private ulong* _slots;       // fingerprint << 4 | epoch mod 16; 0 = empty
    private int _buckets;        // a power of two
    private int _bucketMask;
    private int _occupied;
    private int _rebuildAt;
    private uint _epoch = 2;     // as in EpochTable: 0 would look empty, 1 is "previous" of the first
    private int _epochsSincePurge;
    private int _touched;
    private int _previousTouched;
    private readonly int _maxPerEpoch;

    /// <param name="expectedCount">Keys per epoch to hold without growing.</param>
    /// <param name="maxPerEpoch">First touches per epoch beyond this are refused.</param>
    public EpochSet(int expectedCount, int maxPerEpoch = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerEpoch, 1);
        _maxPerEpoch = maxPerEpoch;
        _memory = Allocate((int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(expectedCount * 4 / Ways, 2, 1 << 25)));
    }

    /// <summary>Keys touched in the current epoch.</summary>
    public int Count => _touched;

    /// <summary>Keys touched in the previous epoch (as of its close).</summary>
    public int PreviousCount => _previousTouched;

    /// <summary>Slots in the table.</summary>
    public int Capacity => _buckets * Ways;

    /// <summary>The set's 60-bit fingerprint of a 64-bit key (never 0); its table hash is <see cref="HashMix.Mix(ulong)"/> of this.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Fingerprint(ulong key) => (key >> EpochBits) | (key >> EpochBits == 0 ? 1UL : 0UL);

    /// <summary>Hints the CPU to load the bucket of a fingerprint with this hash.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int hash)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(_slots + (hash & _bucketMask) * Ways);
        }
    }

    /// <summary>
    /// Marks <paramref name="fingerprint"/> (from <see cref="Fingerprint"/>, with hash
    /// <paramref name="hash"/>) as seen in the current epoch and returns its <see cref="EpochAge"/>; -1
    /// when it is not yet in this epoch and the epoch is at its bound.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Touch(ulong fingerprint, int hash)
    {
        ulong key = fingerprint << EpochBits;
        int b = hash & _bucketMask;
        while (true)
        {
            ulong* bucket = _slots + b * Ways;
            Lanes(bucket, key, out uint match, out uint empty);
            if ((match | empty) != 0)
            {
                // The key's slot, else the first empty one; its age from the stored epoch. No branch
                // on which: existing or new is unpredictable, and a mispredict waits for this line.
                int lane = BitOperations.TrailingZeroCount(match != 0 ? match : empty);
                ulong old = bucket[lane];
                int isNew = old == 0 ? 1 : 0;
                int age = (int)Math.Min((uint)((_epoch - old) & EpochMask), EpochAge.Stale) | (isNew * EpochAge.New); // 2|3 = 3
                if ((_touched >= _maxPerEpoch || _occupied >= _rebuildAt) && age != EpochAge.Current)
                {
                    return RefuseOrRebuild(fingerprint, hash, isNew != 0); // rare: tested first so the branch predicts
                }

                bucket[lane] = key | (_epoch & EpochMask);
                _occupied += isNew;
                _touched += age != EpochAge.Current ? 1 : 0;
                return age;
            }

            b = (b + 1) & _bucketMask; // the bucket is full of other keys: the key may have overflowed here
        }
    }

    /// <summary>Closes the current epoch. O(1), but every 12th close purges stale fingerprints (see remarks).</summary>
    public void NextEpoch()
    {
        _previousTouched = _touched;
        _touched = 0;
        _epoch++;
        if (++_epochsSincePurge == PurgeEvery)
        {
            Rebuild();
        }
    }

    /// <summary>The lanes of a bucket holding <paramref name="key"/> (epoch bits ignored) and the empty ones, as bit masks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lanes(ulong* bucket, ulong key, out uint match, out uint empty)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<ulong> slots = Vector512.LoadAligned(bucket);
            match = (uint)Vector512.Equals(slots & Vector512.Create(~EpochMask), Vector512.Create(key)).ExtractMostSignificantBits();
            empty = (uint)Vector512.Equals(slots, Vector512<ulong>.Zero).ExtractMostSignificantBits();
            return;
        }

        match = 0;
        empty = 0;
        for (int lane = 0; lane < Ways; lane++)
        {
            match |= (bucket[lane] & ~EpochMask) == key ? 1u << lane : 0;
            empty |= bucket[lane] == 0 ? 1u << lane : 0;
        }
    }

    /// <summary>The rare cases of <see cref="Touch"/>: the epoch is at its bound, or an add needs a rebuild first.</summary>
    private int RefuseOrRebuild(ulong fingerprint, int hash, bool isNew)
    {
        if (_touched >= _maxPerEpoch)
        {
            return -1;
        }

        if (isNew && _occupied >= _rebuildAt)
        {
            Rebuild();
            return Touch(fingerprint, hash);
        }

        return Retouch(fingerprint, hash); // only the occupancy was at its limit, and the key is already in
    }

    /// <summary>Stamps the current epoch on a key known to be in the table; returns its age.</summary>
    private int Retouch(ulong fingerprint, int hash)
    {
        ulong key = fingerprint << EpochBits;
        for (int b = hash & _bucketMask; ; b = (b + 1) & _bucketMask)
        {
            ulong* bucket = _slots + b * Ways;
            Lanes(bucket, key, out uint match, out _);
            if (match != 0)
            {
                ulong* slot = bucket + BitOperations.TrailingZeroCount(match);
                int age = (int)Math.Min((uint)((_epoch - *slot) & EpochMask), EpochAge.Stale);
                *slot = key | (_epoch & EpochMask);
                _touched++;
                return age;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Survives(ulong slot) => slot != 0 && ((_epoch - slot) & EpochMask) <= 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int HomeBucket(ulong slot) => HashMix.Mix(slot >> EpochBits) & _bucketMask;

    private byte[] Allocate(int buckets)
    {
        byte[] memory = CacheLineMemory.Allocate(buckets * Ways, out _slots);
        _buckets = buckets;
        _bucketMask = buckets - 1;
        _rebuildAt = buckets * Ways / 8 * 5;
        return memory;
    }

    /// <summary>Drops stale fingerprints: in place, or into a table twice the size when the survivors fill 3/8.</summary>
    private void Rebuild()
    {
        _epochsSincePurge = 0;
        int live = 0;
        for (int i = 0; i < Capacity; i++)
        {
            live += Survives(_slots[i]) ? 1 : 0;
        }

        if ((long)(live + 1) * 8 > (long)Capacity * 3)
        {
            Grow(live);
        }
        else
        {
            PurgeInPlace();
        }
    }

    private void Grow(int live)
    {
        int buckets = _buckets * 2;
        while ((long)(live + 1) * 8 > (long)buckets * Ways * 3)
        {
            buckets *= 2;
        }

        ulong* old = _slots;
        int oldCapacity = Capacity;
        byte[] oldMemory = _memory;
        _memory = Allocate(buckets);
        _occupied = 0;
        for (int i = 0; i < oldCapacity; i++)
        {
            if (Survives(old[i]))
            {
                Place(old[i], HomeBucket(old[i]), stopBucket: -1);
                _occupied++;
            }
        }

        GC.KeepAlive(oldMemory); // read through `old` above
    }

    /// <summary>
    /// Empties stale slots, then moves each survivor that overflowed past its home bucket back to the
    /// first bucket from its home with room. A lookup walks buckets from home until the key or an
    /// empty slot, so overflow runs must stay unbroken: the sweep starts after a bucket that had room
    /// before the purge (no run crosses it) and walks each run from its start, so an entry only moves
    /// back into buckets already settled — every key stays reachable.
    /// </summary>
    private void PurgeInPlace()
    {
        int start = 0;
        while (Full(start))
        {
            start++; // exists: occupancy is at most 5/8
        }

        for (int i = 0; i < Capacity; i++)
        {
            if (_slots[i] != 0 && !Survives(_slots[i]))
            {
                _slots[i] = 0;
            }
        }

        int occupied = 0;
        for (int k = 1; k <= _buckets; k++)
        {
            int b = (start + k) & _bucketMask;
            for (int lane = 0; lane < Ways; lane++)
            {
                ulong slot = _slots[b * Ways + lane];
                if (slot == 0)
                {
                    continue;
                }

                occupied++;
                int home = HomeBucket(slot);
                if (home != b)
                {
                    _slots[b * Ways + lane] = 0;
                    Place(slot, home, stopBucket: b);
                }
            }
        }

        _occupied = occupied;
    }

    /// <summary>Puts a slot into the first bucket from <paramref name="home"/> with room (at the latest, <paramref name="stopBucket"/>).</summary>
    private void Place(ulong slot, int home, int stopBucket)
    {
        for (int b = home; ; b = (b + 1) & _bucketMask)
        {
            for (int lane = 0; lane < Ways; lane++)
            {
                if (_slots[b * Ways + lane] == 0)
                {
                    _slots[b * Ways + lane] = slot;
                    return;
                }
            }

            System.Diagnostics.Debug.Assert(b != stopBucket, "the slot just vacated is free");
        }
    }

    private bool Full(int bucket)
    {
        for (int lane = 0; lane < Ways; lane++)
        {
            if (_slots[bucket * Ways + lane] == 0)
            {
                return false;
            }
        }

        return true;
    }
}
