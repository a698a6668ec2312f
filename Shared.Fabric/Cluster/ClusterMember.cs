namespace NerfEngine.Shared.Fabric.Cluster;

/// <summary>One member as seen by this node. <paramref name="Address"/> is <c>nerf://system@host:port</c>.</summary>
public sealed record ClusterMember(
    string Address,
    string Uid,
    MemberStatus Status,
    IReadOnlyList<string> Roles,
    DateTimeOffset UpSince,
    bool Reachable = true);

/// <summary>A consistent view of the cluster at one moment.</summary>
public sealed record ClusterState(
    ClusterMember Self,
    IReadOnlyList<ClusterMember> Members)
{
    /// <summary>Members this node's failure detector currently suspects.</summary>
    public IEnumerable<ClusterMember> Unreachable => Members.Where(m => !m.Reachable);

    /// <summary>The oldest reachable Up member: singletons (the Executor) run there.</summary>
    public ClusterMember? Oldest => Members
        .Where(m => m.Status == MemberStatus.Up && m.Reachable)
        .OrderBy(m => m.UpSince).ThenBy(m => m.Address, StringComparer.Ordinal)
        .FirstOrDefault();

    /// <summary>Akka's leader is the first reachable Up/Leaving member by address order.</summary>
    public ClusterMember? Leader => Members
        .Where(m => m.Reachable && m.Status is MemberStatus.Up or MemberStatus.Leaving)
        .OrderBy(m => m.Address, StringComparer.Ordinal)
        .FirstOrDefault();

    public ClusterMember? OldestWithRole(string role) => Members
        .Where(m => m.Status == MemberStatus.Up && m.Reachable && m.Roles.Contains(role))
        .OrderBy(m => m.UpSince).ThenBy(m => m.Address, StringComparer.Ordinal)
        .FirstOrDefault();
}
