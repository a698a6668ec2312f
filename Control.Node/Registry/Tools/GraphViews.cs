using System.ComponentModel;
using System.Globalization;
using System.Net;
using NerfEngine.Control.Copilot.FlowScoring;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Control.Registry.Tools;

/// <summary>A graph node as tools show it: the 64-bit id as hex (JSON numbers lose precision past 2^53) and its address when known.</summary>
public sealed record NodeRef(
    [property: Description("64-bit node id, 0x-prefixed hex.")] string NodeId,
    [property: Description("IP address, when the node directory knows it.")] string? Address);

/// <summary>One hypergraph edge as seen at <see cref="EvaluatedAt"/> (weight already decayed to then).</summary>
public sealed record EdgeEntry(
    [property: Description("Edge id for get_edge_by_id and reinforce_edge.")] string EdgeId,
    NodeRef Src,
    NodeRef Dst,
    int DstPort,
    int Protocol,
    double Weight,
    DateTimeOffset? FirstSeen,
    DateTimeOffset? LastSeen,
    long Packets,
    long Bytes,
    long Records,
    DateTimeOffset? EvaluatedAt,
    [property: Description("Latest flow-model score of this edge (run_tak_ml); null when never scored.")] EdgeMlScore? MlScore = null);

/// <summary>The latest model score recorded on an edge by run_tak_ml.</summary>
public sealed record EdgeMlScore(
    [property: Description("Threat likelihood in [0, 1].")] double Score,
    string Label,
    string Model,
    DateTimeOffset ScoredAt);

/// <summary>A scope's filter as tools show it.</summary>
public sealed record ScopeFilterEntry(
    ScopeKind Kind,
    [property: Description("IANA protocol number for kind protocol.")] int? Protocol,
    double MinWeight,
    [property: Description("Scrubbed evaluation time; null means live (now).")] DateTimeOffset? EvaluateAt);

/// <summary>Conversions between the engine's types and tool records, in one place so every tool speaks the same way.</summary>
internal static class GraphViews
{
    /// <summary>Unix ns (event time) to a timestamp; null for "no time yet" (the graph starts at long.MinValue).</summary>
    public static DateTimeOffset? Time(long unixNs) =>
        unixNs <= 0 ? null : DateTimeOffset.UnixEpoch.AddTicks(unixNs / 100);

    /// <summary>A timestamp to Unix ns.</summary>
    public static long Ns(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    public static string NodeText(ulong id) => $"0x{id:x16}";

    public static NodeRef Node(NodeDirectory directory, ulong id) => new(NodeText(id), directory.AddressText(id));

    /// <summary>An edge as tools show it, with its latest model score when <paramref name="scores"/> holds one.</summary>
    public static EdgeEntry Edge(NodeDirectory directory, in HyperEdge e, FlowScoreLedger? scores = null) => new(
        e.Key.Id, Node(directory, e.Key.Src), Node(directory, e.Key.Dst), e.DstPort, e.Protocol, Math.Round(e.Weight, 9),
        Time(e.FirstSeenNs), Time(e.LastSeenNs), (long)Math.Min(e.Packets, long.MaxValue), (long)Math.Min(e.Bytes, long.MaxValue), e.Records, Time(e.EvaluatedAtNs),
        scores is not null && scores.TryGet(e.Key, e.FirstSeenNs, out var score) ? MlScore(score) : null);

    /// <summary>A recorded model score as tools show it.</summary>
    public static EdgeMlScore MlScore(FlowScore score) => new(score.Score, score.Label, score.Model, score.ScoredAt);

    public static ScopeFilterEntry Filter(ScopeFilter f) => new(f.Kind, f.Protocol, f.MinWeight, f.EvaluateAtNs is { } ns ? Time(ns) : null);

    /// <summary>Parses an entity: a 0x-hex node id or an IP address (hashed to its node id as the sensors do).</summary>
    public static bool TryParseEntity(string text, out ulong nodeId)
    {
        nodeId = 0;
        var t = text.Trim();
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || t.StartsWith("node:0x", StringComparison.OrdinalIgnoreCase))
        {
            return ulong.TryParse(t[(t.IndexOf('x', StringComparison.OrdinalIgnoreCase) + 1)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out nodeId);
        }

        if (IPAddress.TryParse(t, out var ip))
        {
            nodeId = NodeAddress.FromIPAddress(ip).NodeId;
            return true;
        }

        return false;
    }

    /// <summary>The named scope's filter, or the whole graph when no name is given; NOT_FOUND otherwise. Engine thread only.</summary>
    public static ScopeFilter? Scope(Hypergraph graph, string? name)
    {
        if (name is null)
        {
            return null;
        }

        return graph.Scopes.TryGet(name, out var filter)
            ? filter
            : throw new ToolFailureException(ToolErrorCodes.NotFound,
                $"No scope named '{name}'. Active scopes: {(graph.Scopes.Names.Count == 0 ? "none" : string.Join(", ", graph.Scopes.Names))}; create one with subscribe_scope.");
    }
}
