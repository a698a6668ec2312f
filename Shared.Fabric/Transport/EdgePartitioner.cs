namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>
/// Maps a 64-bit partition key (a node id: FNV-1a of the address bytes) to one of
/// <see cref="PartitionCount"/> partitions with Jump Consistent Hash (Lamping and Veach, 2014,
/// arXiv:1406.2294). Chosen over <c>key % N</c> because growing from N to N+1 partitions moves only
/// about 1/(N+1) of the keys, all of them to the new partition, which keeps detector state in place
/// when shards are added. Stable: the same key and count always give the same partition, in every
/// process and version (the test pins values computed by the paper's reference code).
/// </summary>
/// <remarks>
/// The RabbitMQ transport uses this partitioner too and routes by partition number (direct exchange),
/// so a key lands in the same partition in both transports for the same partition count.
/// </remarks>
public sealed class EdgePartitioner
{
    /// <summary>Creates a partitioner over <paramref name="partitionCount"/> partitions.</summary>
    public EdgePartitioner(int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        PartitionCount = partitionCount;
    }

    /// <summary>Number of partitions, at least 1.</summary>
    public int PartitionCount { get; }

    /// <summary>The partition of <paramref name="key"/>, in [0, <see cref="PartitionCount"/>).</summary>
    public int GetPartition(ulong key) => JumpConsistentHash(key, PartitionCount);

    /// <summary>The reference algorithm, kept line for line so it can be compared with the paper.</summary>
    public static int JumpConsistentHash(ulong key, int buckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        long b = -1;
        long j = 0;
        while (j < buckets)
        {
            b = j;
            key = unchecked((key * 2862933555777941757UL) + 1);
            j = (long)((b + 1) * ((double)(1L << 31) / (double)((key >> 33) + 1)));
        }

        return (int)b;
    }
}
