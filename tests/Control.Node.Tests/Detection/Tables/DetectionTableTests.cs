using System.Reflection;
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

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Epoch_table_reports_ages_keeps_values_and_first_touch_order_across_rebuilds_and_growth(bool keepPrevious)
    {
        var rng = new Random(23);
        var table = new EpochTable<IdKey, int>(expectedCount: 4, trackOrder: true, keepPrevious: keepPrevious);
        var lastEpoch = new Dictionary<ulong, int>();
        var values = new Dictionary<ulong, int>();
        for (int epoch = 0; epoch < 60; epoch++)
        {
            var order = new List<ulong>();
            int universe = epoch % 10 == 9 ? 40_000 : 3_000;  // now and then a burst of new keys: growth
            for (int step = 0; step < 6_000; step++)
            {
                ulong id = (ulong)rng.Next(universe);
                int slot = table.Touch(new IdKey(id), HashMix.Mix(id), out int age);
                int expected = !lastEpoch.TryGetValue(id, out int seen) ? EpochAge.New
                    : seen == epoch ? EpochAge.Current : seen == epoch - 1 ? EpochAge.Previous : EpochAge.Stale;
                if (expected == EpochAge.Current || (expected == EpochAge.Previous && keepPrevious))
                {
                    Assert.Equal(expected, age);
                }
                else
                {
                    // A rebuild may have dropped a key it no longer keeps: then it is new again.
                    Assert.True(age == expected || age == EpochAge.New, $"key {id} epoch {epoch}: age {age}, expected {expected}");
                }

                Assert.Equal(age == EpochAge.New ? 0 : values.GetValueOrDefault(id), table.ValueAt(slot));
                if (age != EpochAge.Current)
                {
                    order.Add(id);
                }

                table.ValueAt(slot) = age == EpochAge.New ? 1 : table.ValueAt(slot) + 1;
                values[id] = table.ValueAt(slot);
                lastEpoch[id] = epoch;
            }

            Assert.Equal(order.Count, table.Count);
            Assert.Equal(order, table.TouchedSlots.ToArray().Select(s => table.KeyAt(s).Id));
            table.NextEpoch();
            Assert.Equal(order.Count, table.PreviousCount);
        }
    }

    [Fact]
    public void Epoch_table_survives_its_epoch_counter_wrapping()
    {
        var table = new EpochTable<IdKey, int>(expectedCount: 16);
        typeof(EpochTable<IdKey, int>).GetField("_epoch", BindingFlags.NonPublic | BindingFlags.Instance)!.SetValue(table, uint.MaxValue - 3);
        for (int epoch = 0; epoch < 8; epoch++)
        {
            for (ulong key = 0; key < 20; key++)
            {
                table.Touch(new IdKey(key), HashMix.Mix(key), out int age);
                Assert.Equal(epoch == 0 ? EpochAge.New : EpochAge.Previous, age); // touched every epoch
            }

            for (ulong key = 100; key < 120 && epoch % 2 == 0; key++)
            {
                table.Touch(new IdKey(key), HashMix.Mix(key), out int age);
                Assert.True(epoch == 0 ? age == EpochAge.New : age is EpochAge.Stale or EpochAge.New, $"epoch {epoch}: {age}");
            }

            table.NextEpoch();
        }
    }

    [Fact]
    public void Epoch_set_reports_ages_across_purges_and_the_mod_16_epoch_wrap()
    {
        var rng = new Random(29);
        var set = new EpochSet(expectedCount: 4);
        var lastEpoch = new Dictionary<ulong, int>();
        for (int epoch = 0; epoch < 50; epoch++)
        {
            int touched = 0;
            for (int step = 0; step < 5_000; step++)
            {
                ulong fingerprint = EpochSet.Fingerprint(HashMix.Combine((ulong)rng.Next(epoch % 7 == 6 ? 30_000 : 2_500), 7));
                int age = set.Touch(fingerprint, HashMix.Mix(fingerprint));
                int expected = !lastEpoch.TryGetValue(fingerprint, out int seen) ? EpochAge.New
                    : seen == epoch ? EpochAge.Current : seen == epoch - 1 ? EpochAge.Previous : EpochAge.Stale;
                if (expected is EpochAge.Current or EpochAge.Previous)
                {
                    Assert.Equal(expected, age);
                }
                else
                {
                    Assert.True(age == expected || age == EpochAge.New, $"epoch {epoch}: age {age}, expected {expected}");
                }

                touched += age == EpochAge.Current ? 0 : 1;
                lastEpoch[fingerprint] = epoch;
            }

            Assert.Equal(touched, set.Count);
            set.NextEpoch();
        }
    }

    [Fact]
    public void Node_tally_counts_in_first_touch_order_and_clears()
    {
        var rng = new Random(31);
        var tally = new NodeTally(expectedCount: 4);
        for (int round = 0; round < 3; round++)
        {
            var order = new List<ulong>();
            var counts = new Dictionary<ulong, (int In, int Contacts)>();
            for (int step = 0; step < 20_000; step++)
            {
                ulong node = (ulong)rng.Next(round == 1 ? 9_000 : 500);
                tally.EnsureRoom(1);
                int slot = tally.Touch(node, HashMix.Mix(node));
                if (!counts.ContainsKey(node))
                {
                    order.Add(node);
                    counts[node] = (0, 0);
                }

                if (rng.Next(2) == 0)
                {
                    tally.AddInDegree(slot);
                    counts[node] = (counts[node].In + 1, counts[node].Contacts);
                }
                else
                {
                    tally.AddContact(slot);
                    counts[node] = (counts[node].In, counts[node].Contacts + 1);
                }
            }

            Assert.Equal(order, tally.Order.ToArray().Select(tally.NodeAt));
            foreach (int slot in tally.Order)
            {
                Assert.Equal(counts[tally.NodeAt(slot)], (tally.InDegreeAt(slot), tally.ContactsAt(slot)));
            }

            tally.Clear();
            Assert.Equal(0, tally.Count);
        }
    }

    [Fact]
    public void Tables_refuse_adds_beyond_their_bound()
    {
        var epochs = new EpochTable<IdKey, int>(4, maxPerEpoch: 3);
        var set = new EpochSet(4, maxPerEpoch: 3);
        var slots = new SlotMap<IdKey, int>(4, maxCount: 3);
        for (ulong i = 0; i < 3; i++)
        {
            Assert.True(epochs.Touch(new IdKey(i), HashMix.Mix(i), out _) >= 0);
            Assert.True(set.Touch(i + 1, HashMix.Mix(i + 1)) >= 0);
            Assert.True(slots.FindOrAdd(new IdKey(i), out _) >= 0);
        }

        Assert.Equal(-1, epochs.Touch(new IdKey(99), HashMix.Mix(99UL), out _));
        Assert.Equal(-1, set.Touch(99, HashMix.Mix(99UL)));
        Assert.Equal(-1, slots.FindOrAdd(new IdKey(99), out bool slotAdded));
        Assert.False(slotAdded);
        Assert.True(epochs.Touch(new IdKey(1), HashMix.Mix(1UL), out _) >= 0);  // existing keys are still found
        Assert.Equal(EpochAge.Current, set.Touch(2, HashMix.Mix(2UL)));
        epochs.NextEpoch();
        Assert.True(epochs.Touch(new IdKey(99), HashMix.Mix(99UL), out int age) >= 0); // a new epoch has room again
        Assert.Equal(EpochAge.New, age);
    }
}
