using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace NerfEngine.Control.Detection.Tables;

/// <summary>
/// One window's per-node tallies (in-degree, contacts) for the metrics collector, in first-touch
/// order. Filled in one burst at the window close and then cleared, so it needs no epochs: a slot
/// is 16 bytes (four to a cache line), half an <see cref="EpochTable{TKey, TValue}"/> slot, and the
/// table stays small enough to live in L2 while the burst runs.
/// </summary>
/// <remarks>Open addressing, linear probing, load at most 1/2; grows (allocating) only past its largest window so far. Single-threaded.</remarks>
internal sealed unsafe class NodeTally
{
    private struct Slot
    {
        public ulong Node;
        public int InDegree;
        public int ContactsPlusOne;   // 0 = empty slot
    }

    private byte[] _memory;           // pinned (see CacheLineMemory): keeps _slots valid
    private Slot* _slots;
    private int _capacity;
    private int _mask;
    private int[] _order;             // slots in first-touch order
    private int _count;

    public NodeTally(int expectedCount)
    {
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(expectedCount * 2, 16, 1 << 30));
        _memory = CacheLineMemory.Allocate(capacity, out _slots);
        _capacity = capacity;
        _mask = capacity - 1;
        _order = new int[capacity / 2];
    }

    /// <summary>Nodes tallied.</summary>
    public int Count => _count;

    /// <summary>Slots in first-touch order (valid until the next add).</summary>
    public ReadOnlySpan<int> Order => _order.AsSpan(0, _count);

    public ulong NodeAt(int slot) => _slots[slot].Node;

    public int InDegreeAt(int slot) => _slots[slot].InDegree;

    public int ContactsAt(int slot) => _slots[slot].ContactsPlusOne - 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int hash)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(_slots + (hash & _mask));
        }
    }

    /// <summary>The node's slot (whose hash is <paramref name="hash"/>), adding it with zero tallies when absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Touch(ulong node, int hash)
    {
        for (int i = hash & _mask; ; i = (i + 1) & _mask)
        {
            Slot* s = _slots + i;
            if (s->ContactsPlusOne == 0)
            {
                return Add(node, hash, i);
            }

            if (s->Node == node)
            {
                return i;
            }
        }
    }

    public void AddInDegree(int slot) => _slots[slot].InDegree++;

    public void AddContact(int slot) => _slots[slot].ContactsPlusOne++;

    /// <summary>Makes sure <paramref name="extra"/> adds cannot move slots taken before them.</summary>
    public void EnsureRoom(int extra)
    {
        if ((_count + extra) * 2 > _capacity)
        {
            Grow();
        }
    }

    /// <summary>Forgets every node.</summary>
    public void Clear()
    {
        if (_count > _capacity / 16)
        {
            NativeMemory.Clear(_slots, (nuint)_capacity * (nuint)sizeof(Slot));
        }
        else
        {
            foreach (int slot in Order)
            {
                _slots[slot] = default;
            }
        }

        _count = 0;
    }

    private int Add(ulong node, int hash, int slot)
    {
        if ((_count + 1) * 2 > _capacity)
        {
            Grow();
            return Touch(node, hash);
        }

        _slots[slot] = new Slot { Node = node, ContactsPlusOne = 1 };
        _order[_count++] = slot;
        return slot;
    }

    private void Grow()
    {
        Slot* old = _slots;
        byte[] oldMemory = _memory;
        int[] oldOrder = _order;
        _capacity *= 2;
        _mask = _capacity - 1;
        _memory = CacheLineMemory.Allocate(_capacity, out _slots);
        _order = new int[_capacity / 2];
        for (int k = 0; k < _count; k++)
        {
            Slot s = old[oldOrder[k]];
            int j = HashMix.Mix(s.Node) & _mask;
            while (_slots[j].ContactsPlusOne != 0)
            {
                j = (j + 1) & _mask;
            }

            _slots[j] = s;
            _order[k] = j;
        }

        GC.KeepAlive(oldMemory); // read through `old` above
    }
}
