using System.Collections.Concurrent;

namespace NerfEngine.Shared.Fabric.Cluster;

/// <summary>One shard hosted by a region on a member, with its live entity count.</summary>
public sealed record ShardPlacement(string ShardId, string Member, int EntityCount);

/// <summary>
/// Where the shards of each sharded type (e.g. "detectors") live. Shard hosts register and
/// unregister here; management HTTP reads it for <c>/cluster/shards/{name}</c>.
/// </summary>
public sealed class ShardPlacementRegistry
{
    private readonly ConcurrentDictionary<(string Type, string ShardId), (string Member, Func<int> Entities)> _shards = new();

    public void Register(string typeName, string shardId, string member, Func<int> entityCount) =>
        _shards[(typeName, shardId)] = (member, entityCount);

    public void Unregister(string typeName, string shardId) => _shards.TryRemove((typeName, shardId), out _);

    public IReadOnlyList<string> TypeNames => _shards.Keys.Select(k => k.Type).Distinct().Order(StringComparer.Ordinal).ToArray();

    public IReadOnlyList<ShardPlacement> Placements(string typeName) => _shards
        .Where(kv => kv.Key.Type == typeName)
        .Select(kv => new ShardPlacement(kv.Key.ShardId, kv.Value.Member, kv.Value.Entities()))
        .OrderBy(p => p.ShardId, StringComparer.Ordinal)
        .ToArray();
}
