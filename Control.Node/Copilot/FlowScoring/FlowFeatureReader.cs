using System.Net;
using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Detection.Detectors;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Control.Engine;
using NerfEngine.Shared.Messages.Hashing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Control.Copilot.FlowScoring;

/// <summary>
/// Builds <see cref="FlowFeatures"/> on the engine's thread (inside <see cref="GraphEngine.QueryAsync{T}"/>): from a
/// hypergraph edge, or from inline values matched to the edge they would be. Detector flags come from the newest
/// event cards, queued suggestions and observations that name either endpoint.
/// </summary>
public sealed class FlowFeatureReader(FlowScoringOptions options)
{
    /// <summary>The features of the edge <paramref name="key"/>, or null when the graph has no such edge.</summary>
    public FlowFeatures? FromGraph(EngineCore core, HyperEdgeKey key)
    {
        ArgumentNullException.ThrowIfNull(core);
        if (!core.Graph.TryGetEdge(key, out HyperEdge e))
        {
            return null;
        }

        return new FlowFeatures(
            "graph", key.Id, Endpoint(core, key.Src), Endpoint(core, key.Dst), null, e.DstPort, e.Protocol, FlowFeatures.NameOf(e.Protocol),
            (long)Math.Min(e.Packets, long.MaxValue), (long)Math.Min(e.Bytes, long.MaxValue),
            Math.Max(0, e.LastSeenNs - e.FirstSeenNs) / 1e9, Math.Round(e.Weight, 9), e.Records,
            Time(e.FirstSeenNs), Time(e.LastSeenNs), Flags(core, key.Src, key.Dst));
    }

    /// <summary>
    /// Features of a flow given by value. When the graph holds the edge it would be (same endpoints, port and
    /// protocol), its id is set so the score can be recorded there.
    /// </summary>
    public FlowFeatures Inline(EngineCore core, IPAddress src, IPAddress dst, int? srcPort, ushort dstPort, byte protocol, long packets, long bytes, double durationSeconds)
    {
        ArgumentNullException.ThrowIfNull(core);
        ulong s = NodeAddress.FromIPAddress(src).NodeId;
        ulong d = NodeAddress.FromIPAddress(dst).NodeId;
        var key = KeyOf(s, d, dstPort, protocol);
        string? edgeId = core.Graph.TryGetEdge(key, out _) ? key.Id : null;
        return new FlowFeatures(
            "inline", edgeId, Endpoint(core, s, src), Endpoint(core, d, dst), srcPort, dstPort, protocol, FlowFeatures.NameOf(protocol),
            packets, bytes, durationSeconds, null, null, null, null, Flags(core, s, d));
    }

    /// <summary>The edge key the sensors give a flow (edge hash = destination + port + protocol).</summary>
    public static HyperEdgeKey KeyOf(ulong src, ulong dst, ushort dstPort, byte protocol) =>
        new(src, dst, Fnv1a64.EdgeHash(dst, dstPort, protocol));

    private static FlowEndpoint Endpoint(EngineCore core, ulong node, IPAddress? given = null) =>
        new($"0x{node:x16}", core.Directory.AddressText(node) ?? given?.ToString(), Class(core, node, given));

    private static string Class(EngineCore core, ulong node, IPAddress? given)
    {
        NodeClass known = core.Directory.Classify(node);
        if (known != NodeClass.Unknown || given is null)
        {
            return known.ToString().ToLowerInvariant();
        }

        // An inline address the directory never saw: classify it by the same internal networks.
        var address = NodeAddress.FromIPAddress(given);
        return core.Directory.InternalNetworks.Any(n => n.Contains(address)) ? "internal" : "external";
    }

    private IReadOnlyList<FlowDetectorFlag> Flags(EngineCore core, ulong src, ulong dst)
    {
        if (options.MaxDetectorFlags == 0)
        {
            return [];
        }

        var flags = new List<FlowDetectorFlag>();
        var seen = new HashSet<(string, string, string, string)>();
        foreach (DetectorFinding f in DetectorFinding.Recent(core, options.DetectionsSearched))
        {
            foreach (var (node, end) in new[] { (src, "src"), (dst, "dst") })
            {
                string role = f.RoleOf(node);
                if (role.Length > 0 && seen.Add((f.Detector, f.Pattern, end, role)))
                {
                    flags.Add(new FlowDetectorFlag(f.Detector, f.Pattern, f.Shape, f.Tier.ToWireName(), Math.Round(f.Confidence, 4), end, role));
                    if (flags.Count == options.MaxDetectorFlags) return flags;
                }
            }
        }

        return flags;
    }

    private static DateTimeOffset? Time(long unixNs) => unixNs <= 0 ? null : DateTimeOffset.UnixEpoch.AddTicks(unixNs / 100);
}
