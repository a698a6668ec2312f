using System.Numerics;
using System.Runtime.CompilerServices;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Flows;

/// <summary>
/// Node ids whose address has already been announced (a NodeAddress record was emitted), so each
/// address goes out once, not once per flow. Bounded: when full it is cleared and counted; the only
/// cost of a reset is that addresses are announced again, which consumers treat as idempotent.
/// </summary>
/// <remarks>Open addressing over 64-bit ids with 0 as the empty marker (id 0 is tracked aside).</remarks>
internal sealed class KnownNodeSet
{
    private const int InitialCapacity = 4_096;
    private const ulong HashMultiplier = 0x9E3779B97F4A7C15UL;

    private readonly int _maxNodes;
    private ulong[] _slots;
    private int _mask;
    private bool _hasZero;

    public KnownNodeSet(int maxNodes)
    {
        _maxNodes = maxNodes;
        _slots = new ulong[SlotCountFor(Math.Min(InitialCapacity, maxNodes))];
        _mask = _slots.Length - 1;
    }

    /// <summary>Ids remembered.</summary>
    public int Count { get; private set; }

    /// <summary>Times the set filled up and was cleared.</summary>
    public long Resets { get; private set; }

    /// <summary>Adds an id; true when it was not known (its address should be announced).</summary>
    [MethodImpl(HotPath.Optimize)]
    public bool Add(ulong nodeId)
    {
        if (nodeId == 0)
        {
            if (_hasZero)
            {
                return false;
            }

            MakeRoom();
            _hasZero = true;
            Count++;
            return true;
        }

        int slot = (int)((nodeId * HashMultiplier) >> 32) & _mask;
        while (true)
        {
            ulong occupant = _slots[slot];
            if (occupant == nodeId)
            {
                return false;
            }

            if (occupant == 0)
            {
                break;
            }

            slot = (slot + 1) & _mask;
        }

        if (MakeRoom())
        {
            return Add(nodeId);
        }

        _slots[slot] = nodeId;
        Count++;
        return true;
    }

    /// <summary>Clears when full or grows when half full; true when the slots changed.</summary>
    private bool MakeRoom()
    {
        if (Count >= _maxNodes)
        {
            Array.Clear(_slots);
            _hasZero = false;
            Count = 0;
            Resets++;
            return true;
        }

        if ((Count + 1) * 2 <= _slots.Length)
        {
            return false;
        }

        ulong[] old = _slots;
        _slots = new ulong[old.Length * 2];
        _mask = _slots.Length - 1;
        foreach (ulong id in old)
        {
            if (id != 0)
            {
                int slot = (int)((id * HashMultiplier) >> 32) & _mask;
                while (_slots[slot] != 0)
                {
                    slot = (slot + 1) & _mask;
                }

                _slots[slot] = id;
            }
        }

        return true;
    }

    private static int SlotCountFor(int capacity) => (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity * 2, 2));
}
