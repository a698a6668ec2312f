using System.Diagnostics.CodeAnalysis;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Flows;

/// <summary>Totals of one direction of a flow: packets, IP bytes, frame bytes (as on the wire) and TCP flags.</summary>
public readonly record struct FlowDirectionTotals(ulong Packets, ulong IpBytes, ulong FrameBytes, TcpFlags TcpFlags)
{
    /// <summary>Both totals added (TCP flags ORed).</summary>
    public static FlowDirectionTotals operator +(FlowDirectionTotals left, FlowDirectionTotals right) => new(
        left.Packets + right.Packets, left.IpBytes + right.IpBytes, left.FrameBytes + right.FrameBytes, left.TcpFlags | right.TcpFlags);
}

/// <summary>
/// A flow that left the tracker, with its totals per direction: what <c>replay --json</c> tabulates
/// and what tests compare with tshark's conversation tables. Forward is originator → responder.
/// </summary>
public readonly struct FlowSummary
{
    private readonly FlowKey _key;

    internal FlowSummary(in FlowKey key, bool originatorIsA, ulong originatorNode, ulong responderNode,
        FlowDirectionTotals forward, FlowDirectionTotals reverse, long firstSeenNs, long lastSeenNs, FlowEndReason endReason)
    {
        _key = key;
        OriginatorIsA = originatorIsA;
        OriginatorNode = originatorNode;
        ResponderNode = responderNode;
        Forward = forward;
        Reverse = reverse;
        FirstSeenNs = firstSeenNs;
        LastSeenNs = lastSeenNs;
        EndReason = endReason;
    }

    /// <summary>The flow's key (canonical side order).</summary>
    [UnscopedRef]
    public ref readonly FlowKey Key => ref _key;

    /// <summary>True when side A of <see cref="Key"/> is the originator.</summary>
    public bool OriginatorIsA { get; }

    /// <summary>Node id of the originator (the GraphEdge source).</summary>
    public ulong OriginatorNode { get; }

    /// <summary>Node id of the responder (the GraphEdge destination).</summary>
    public ulong ResponderNode { get; }

    /// <summary>Originator's address bytes, network order.</summary>
    [UnscopedRef]
    public ReadOnlySpan<byte> OriginatorAddress => OriginatorIsA ? _key.AddressA : _key.AddressB;

    /// <summary>Responder's address bytes, network order.</summary>
    [UnscopedRef]
    public ReadOnlySpan<byte> ResponderAddress => OriginatorIsA ? _key.AddressB : _key.AddressA;

    /// <summary>Originator's port.</summary>
    public ushort OriginatorPort => OriginatorIsA ? _key.PortA : _key.PortB;

    /// <summary>Responder's port.</summary>
    public ushort ResponderPort => OriginatorIsA ? _key.PortB : _key.PortA;

    /// <summary>Packets sent by the originator.</summary>
    public FlowDirectionTotals Forward { get; }

    /// <summary>Packets sent by the responder.</summary>
    public FlowDirectionTotals Reverse { get; }

    /// <summary>First packet (Unix epoch ns, event time).</summary>
    public long FirstSeenNs { get; }

    /// <summary>Last packet (Unix epoch ns, event time).</summary>
    public long LastSeenNs { get; }

    /// <summary>Why the flow left the table.</summary>
    public FlowEndReason EndReason { get; }
}
