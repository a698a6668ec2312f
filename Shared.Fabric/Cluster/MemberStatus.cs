namespace NerfEngine.Shared.Fabric.Cluster;

/// <summary>Lifecycle of a cluster member, as in Akka.Cluster; reachability is tracked separately.</summary>
public enum MemberStatus
{
    Joining,
    Up,
    Leaving,
    Exiting,
    Down,
    Removed,
}
