using Microsoft.Extensions.Diagnostics.HealthChecks;
using NerfEngine.Shared.Fabric.Cluster;

namespace NerfEngine.Shared.Fabric.Management;

/// <summary>Ready only once this node is an Up member: load balancers and agents wait for it.</summary>
public sealed class MembershipReadinessCheck(IClusterMembership membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(membership.IsSelfUp
            ? HealthCheckResult.Healthy("member is Up")
            : HealthCheckResult.Unhealthy("member is not Up yet"));
}
