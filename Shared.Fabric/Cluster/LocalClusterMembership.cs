using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using NerfEngine.Shared.Fabric.Hosting;
using NerfEngine.Shared.Fabric.Management;

namespace NerfEngine.Shared.Fabric.Cluster;

/// <summary>Single-node membership for the embedded mode: this node is the whole cluster.</summary>
public sealed class LocalClusterMembership(
    IOptions<NodeOptions> node, IOptions<ManagementOptions> management, TimeProvider time, IServer server)
    : IClusterMembership
{
    private readonly DateTimeOffset _upSince = time.GetUtcNow();
    private ClusterMember? _self;

    public ClusterState Current
    {
        get
        {
            var self = _self ??= CreateSelf();
            return new ClusterState(self, [self]);
        }
    }

    public bool IsSelfUp => true;

    /// <summary>The address uses the port Kestrel actually bound (port 0 in config means "any").</summary>
    private ClusterMember CreateSelf()
    {
        var n = node.Value;
        var port = management.Value.Port;
        var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (bound is not null && Uri.TryCreate(bound, UriKind.Absolute, out var uri)) port = uri.Port;
        return new ClusterMember($"nerf://{n.SystemName}@{n.Hostname}:{port}", n.Uid, MemberStatus.Up, n.Roles.ToArray(), _upSince);
    }
}
