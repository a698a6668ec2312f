using NerfEngine.Control.Detection.Tables;

namespace NerfEngine.Tests.ControlNode.Detection.Tables;

/// <summary>The detector hash tables agree with the BCL collections under random operations.</summary>
public sealed class DetectionTableTests
{
    [Fact]
    public void Slot_map_matches_a_dictionary_under_random_adds_and_removes_and_keeps_slots_stable()
    {
        var rng = new Random(17);
        var map = new SlotMap<PairKey, int>(4);
        var reference = new Dictionary<PairKey, int>();
        var slots = new Dictionary<PairKey, int>();
        for (int step = 0; step < 50_000; step++)
        {
            var key = new PairKey((ulong)rng.Next(2_000), (ulong)rng.Next(3));
            if (rng.Next(3) == 0)
            {
                int slot = map.Find(key);
                Assert.Equal(reference.ContainsKey(key), slot >= 0);
                if (slot >= 0)
                {
                    Assert.Equal(slots[key], slot);
                    map.RemoveAt(slot);
                    reference.Remove(key);
                    slots.Remove(key);
                }
            }
            else
            {
                int slot = map.FindOrAdd(key, out bool added);
                Assert.Equal(!reference.ContainsKey(key), added);
                if (!added)
                {
                    Assert.Equal(slots[key], slot);   // growth never moves an entry
                }

                map.ValueAt(slot)++;
                reference[key] = reference.GetValueOrDefault(key) + 1;
                slots[key] = slot;
            }
        }

        Assert.Equal(reference.Count, map.Count);
        foreach ((PairKey key, int value) in reference)
        {
            Assert.Equal(value, map.ValueAt(map.Find(key)));
        }
    }

    [Fact]
    public void Probe_table_matches_a_dictionary_across_growth_and_clears()
    {
        var rng = new Random(23);
        var table = new ProbeTable<IdKey, int>(expectedCount: 4);
        var reference = new Dictionary<ulong, int>();
        for (int round = 0; round < 5; round++)
        {
            for (int step = 0; step < 20_000; step++)
            {
                ulong id = (ulong)rng.Next(5_000);
                table.EnsureRoom(1);
                table.ValueAt(table.FindOrAdd(new IdKey(id), out bool added))++;
                Assert.Equal(!reference.ContainsKey(id), added);
                reference[id] = reference.GetValueOrDefault(id) + 1;
            }

            Assert.Equal(reference.Count, table.Count);
            Assert.Equal(reference.Keys.Order(), table.UsedSlots.ToArray().Select(s => table.KeyAt(s).Id).Order());
            foreach ((ulong id, int count) in reference)
            {
                Assert.Equal(count, table.ValueAt(table.Find(new IdKey(id))));
            }

            table.Clear();
            reference.Clear();
            Assert.Equal(-1, table.Find(new IdKey(1)));
        }
    }

    [Fact]
    public void Tables_refuse_adds_beyond_their_bound()
    {
        var probe = new ProbeTable<IdKey, int>(4, maxCount: 3);
        var slots = new SlotMap<IdKey, int>(4, maxCount: 3);
        for (ulong i = 0; i < 3; i++)
        {
            Assert.True(probe.FindOrAdd(new IdKey(i), out _) >= 0);
            Assert.True(slots.FindOrAdd(new IdKey(i), out _) >= 0);
        }

        Assert.Equal(-1, probe.FindOrAdd(new IdKey(99), out bool probeAdded));
        Assert.Equal(-1, slots.FindOrAdd(new IdKey(99), out bool slotAdded));
        Assert.False(probeAdded || slotAdded);
        Assert.True(probe.FindOrAdd(new IdKey(1), out _) >= 0);  // existing keys are still found
    }
}
