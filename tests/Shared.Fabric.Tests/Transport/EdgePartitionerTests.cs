using NerfEngine.Shared.Fabric.Transport;

namespace NerfEngine.Tests.SharedFabric.Transport;

public sealed class EdgePartitionerTests
{
    /// <summary>Expected values printed by the paper's reference C code (Lamping and Veach, 2014).</summary>
    [Theory]
    [InlineData(0x0000000000000000UL, 1000, 0)]
    [InlineData(0x0000000000000001UL, 8, 6)]
    [InlineData(0x0000000000000001UL, 64, 55)]
    [InlineData(0x0000000000000001UL, 1000, 549)]
    [InlineData(0x000000000000002AUL, 16, 2)]
    [InlineData(0x000000000000002AUL, 1000, 571)]
    [InlineData(0xCBF29CE484222325UL, 8, 1)]
    [InlineData(0xCBF29CE484222325UL, 16, 13)]
    [InlineData(0xCBF29CE484222325UL, 64, 17)]
    [InlineData(0xDEADBEEFCAFEBABEUL, 16, 15)]
    [InlineData(0xDEADBEEFCAFEBABEUL, 1000, 144)]
    [InlineData(0xFFFFFFFFFFFFFFFFUL, 8, 7)]
    [InlineData(0xFFFFFFFFFFFFFFFFUL, 1000, 313)]
    [InlineData(0x00000000075BCD15UL, 64, 34)]
    [InlineData(0x00000000075BCD15UL, 1, 0)]
    public void Partition_matches_the_reference_jump_consistent_hash(ulong key, int partitions, int expected)
    {
        Assert.Equal(expected, new EdgePartitioner(partitions).GetPartition(key));
    }

    [Fact]
    public void Keys_spread_evenly_over_the_partitions()
    {
        var partitioner = new EdgePartitioner(16);
        int[] counts = new int[16];
        foreach (ulong key in NodeIds(16_000))
        {
            counts[partitioner.GetPartition(key)]++;
        }

        Assert.All(counts, count => Assert.InRange(count, 850, 1150));
    }

    [Fact]
    public void Adding_a_partition_moves_only_a_fair_share_of_keys_and_only_to_the_new_partition()
    {
        var before = new EdgePartitioner(8);
        var after = new EdgePartitioner(9);
        int moved = 0;
        ulong[] keys = NodeIds(9_000);
        foreach (ulong key in keys)
        {
            int from = before.GetPartition(key);
            int to = after.GetPartition(key);
            if (from != to)
            {
                Assert.Equal(8, to);
                moved++;
            }
        }

        Assert.InRange(moved / (double)keys.Length, 0.08, 0.14); // ideal: 1/9 ≈ 0.111
    }

    /// <summary>Node ids as the sensor makes them: FNV-1a 64 over IPv4 address bytes.</summary>
    private static ulong[] NodeIds(int count)
    {
        var ids = new ulong[count];
        for (int i = 0; i < count; i++)
        {
            uint address = 0x0A000000u + (uint)i; // 10.0.0.0 onwards
            ulong hash = 0xCBF29CE484222325UL;
            for (int shift = 24; shift >= 0; shift -= 8)
            {
                hash ^= (byte)(address >> shift);
                hash *= 0x100000001B3UL;
            }

            ids[i] = hash;
        }

        return ids;
    }
}
