namespace NerfEngine.Shared.Fabric.Cluster;

/// <summary>
/// Source of cluster membership. Embedded mode has exactly one member (this node);
/// the RabbitMQ heartbeat membership implements the same contract for multi-node deployments.
/// </summary>
public interface IClusterMembership
{
    ClusterState Current { get; }

    /// <summary>True once this node is Up (readiness).</summary>
    bool IsSelfUp { get; }
}
