using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NerfEngine.Shared.Fabric.Cluster;
using NerfEngine.Shared.Fabric.Metrics;

namespace NerfEngine.Shared.Fabric.Management;

/// <summary>
/// Management HTTP with Akka.Management's routes and JSON shapes, so existing tooling and
/// runbooks carry over: /cluster/members, /cluster/shards/{name}, /alive, /ready; plus /metrics.
/// </summary>
public static class ManagementRoutes
{
    /// <summary>Health checks tagged "ready" gate /ready; every check (and none) gates /alive.</summary>
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapManagement(this IEndpointRouteBuilder app)
    {
        app.MapGet("/cluster/members", (IClusterMembership membership) => Results.Json(MembersDocument(membership.Current)));
        app.MapGet("/cluster/members/{address}", (string address, IClusterMembership membership) =>
        {
            var member = membership.Current.Members.FirstOrDefault(m => m.Address == address);
            return member is null
                ? Results.NotFound(new { message = $"Member [{address}] not found" })
                : Results.Json(MemberDocument(member));
        });
        app.MapGet("/cluster/shards", (ShardPlacementRegistry shards) => Results.Json(new { shardTypes = shards.TypeNames }));
        app.MapGet("/cluster/shards/{name}", (string name, ShardPlacementRegistry shards) =>
        {
            var placements = shards.Placements(name);
            if (placements.Count == 0)
                return Results.NotFound(new { message = $"Shard Region [{name}] not found" });
            var regions = placements.GroupBy(p => p.Member).Select(g => new
            {
                shardRegion = g.Key,
                shards = g.Select(p => new { shardId = p.ShardId, numEntities = p.EntityCount }).ToArray(),
            });
            return Results.Json(new { regions });
        });
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(ReadyTag),
            ResultStatusCodes = { [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable },
        });
        app.MapGet("/metrics", (NerfMetrics metrics) =>
            Results.Text(metrics.RenderPrometheusText(), "text/plain; version=0.0.4; charset=utf-8"));
        app.MapGet("/metrics.json", (NerfMetrics metrics) =>
            Results.Json(metrics.Snapshot().ToDictionary(kv => kv.Key, kv => kv.Value.Select(s => new
            {
                value = s.Value,
                labels = s.Labels?.ToDictionary(l => l.Key, l => l.Value),
            }))));
        return app;
    }

    /// <summary>The body of <c>GET /cluster/members</c> (Akka.Management's ClusterMembers shape).</summary>
    public static object MembersDocument(ClusterState state) => new
    {
        selfNode = state.Self.Address,
        members = state.Members.Select(MemberDocument).ToArray(),
        unreachable = state.Unreachable.Select(m => new { node = m.Address, observedBy = new[] { state.Self.Address } }).ToArray(),
        leader = state.Leader?.Address,
        oldest = state.Oldest?.Address,
        oldestPerRole = state.Members.SelectMany(m => m.Roles).Distinct()
            .ToDictionary(r => r, r => state.OldestWithRole(r)?.Address),
    };

    private static object MemberDocument(ClusterMember m) => new
    {
        node = m.Address,
        nodeUid = m.Uid,
        status = m.Status.ToString(),
        roles = m.Roles,
    };
}
