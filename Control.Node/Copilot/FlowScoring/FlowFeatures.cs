using System.ComponentModel;

namespace NerfEngine.Control.Copilot.FlowScoring;

/// <summary>One end of a flow as the scorer sees it.</summary>
/// <param name="NodeId">64-bit node id, 0x-prefixed hex.</param>
/// <param name="Address">IP address, when known.</param>
/// <param name="Class">"internal", "external" or "unknown" (by the node directory's internal networks).</param>
public sealed record FlowEndpoint(string NodeId, string? Address, string Class);

/// <summary>A detection that names one end of the flow (event card, queued suggestion or observation).</summary>
/// <param name="Detector">Detector name.</param>
/// <param name="Pattern">Verdict, e.g. "scanner", "botnet_coordination".</param>
/// <param name="Shape">Shape within the verdict, e.g. "vertical", "synchronised".</param>
/// <param name="Tier">Autopilot tier it was routed to.</param>
/// <param name="Confidence">Autopilot score.</param>
/// <param name="Endpoint">"src" or "dst": which end of the flow it names.</param>
/// <param name="Role">"subject" (the detection is about that node) or "involved".</param>
public sealed record FlowDetectorFlag(string Detector, string Pattern, string Shape, string Tier, double Confidence, string Endpoint, string Role);

/// <summary>
/// What the flow-scoring model is told about one flow: endpoints, service, volume, timing and the detector flags on
/// its endpoints. Built from a hypergraph edge (<see cref="Origin"/> "graph") or from values a caller gives ("inline").
/// </summary>
public sealed record FlowFeatures(
    [property: Description("\"graph\" (read from an edge) or \"inline\" (given by the caller).")] string Origin,
    [property: Description("Edge id when the flow is (or matches) a graph edge.")] string? EdgeId,
    FlowEndpoint Src,
    FlowEndpoint Dst,
    int? SrcPort,
    int DstPort,
    [property: Description("IANA protocol number.")] int Protocol,
    [property: Description("tcp, udp, icmp, … when known.")] string? ProtocolName,
    long Packets,
    long Bytes,
    [property: Description("Last seen − first seen, seconds.")] double DurationSeconds,
    [property: Description("Decayed edge weight, graph flows only.")] double? Weight,
    [property: Description("Records folded into the edge, graph flows only.")] long? Records,
    DateTimeOffset? FirstSeen,
    DateTimeOffset? LastSeen,
    IReadOnlyList<FlowDetectorFlag> DetectorFlags)
{
    /// <summary>IANA protocol number to a short name, or null.</summary>
    public static string? NameOf(int protocol) => protocol switch
    {
        1 => "icmp",
        6 => "tcp",
        17 => "udp",
        47 => "gre",
        50 => "esp",
        58 => "icmpv6",
        132 => "sctp",
        _ => null,
    };
}
