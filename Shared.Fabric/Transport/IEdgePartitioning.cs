namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>How a transport divides partition keys; shared by publishers and consumers.</summary>
public interface IEdgePartitioning
{
    /// <summary>Number of partitions (detector shards), fixed for the transport's lifetime.</summary>
    int PartitionCount { get; }

    /// <summary>The partition a key is published to; stable for a given <see cref="PartitionCount"/>.</summary>
    int GetPartition(ulong partitionKey);
}
