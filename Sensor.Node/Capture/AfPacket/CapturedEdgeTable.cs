using System.Net;
using System.Runtime.InteropServices;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Capture.AfPacket;

/// <summary>One row of a capture's per-edge table: an originator → responder edge with its totals.</summary>
/// <param name="Source">Originator address (null when its NodeAddress record was not kept).</param>
/// <param name="Destination">Responder address.</param>
/// <param name="SourcePort">Originator port (0 when the protocol has none).</param>
/// <param name="DestinationPort">Responder port.</param>
/// <param name="Protocol">IANA protocol number.</param>
/// <param name="Packets">Packets, both directions (sum of the edge's OPEN, TICK and CLOSE deltas).</param>
/// <param name="Bytes">IP bytes, both directions.</param>
/// <param name="Records">GraphEdge records that made up the row.</param>
public sealed record CapturedEdge(
    IPAddress? Source,
    IPAddress? Destination,
    ushort SourcePort,
    ushort DestinationPort,
    byte Protocol,
    long Packets,
    long Bytes,
    int Records);

/// <summary>
/// Sums the flow records (OPEN, TICK, CLOSE) a worker emits per edge, for the capture summary
/// (<c>capture --json</c>) and for tests that compare a live capture with a file replay. AGG records
/// are skipped: they count the same packets again. Bounded: past the capacity new edges are only counted.
/// </summary>
/// <remarks>Allocates once per new edge, never per packet; written by one worker thread, read after it stopped.</remarks>
internal sealed class CapturedEdgeTable(int capacity)
{
    private readonly Dictionary<EdgeKey, EdgeTotals> _edges = [];
    private readonly Dictionary<ulong, NodeAddress> _addresses = [];

    /// <summary>Most rows kept.</summary>
    public int Capacity { get; } = capacity;

    /// <summary>Edges not kept because the table was full.</summary>
    public long OmittedEdges { get; private set; }

    /// <summary>Packets of records not kept because the table was full.</summary>
    public long OmittedPackets { get; private set; }

    public int Count => _edges.Count;

    public void Add(in GraphEdge edge)
    {
        if (edge.Kind is not (EdgeKind.Open or EdgeKind.Tick or EdgeKind.Close))
        {
            return;
        }
        var key = new EdgeKey(edge.SrcNode, edge.DstNode, edge.SrcPort, edge.DstPort, edge.Protocol);
        if (_edges.Count >= Capacity && !_edges.ContainsKey(key))
        {
            OmittedEdges += edge.Kind == EdgeKind.Open ? 1 : 0;
            OmittedPackets += edge.Packets;
            return;
        }
        ref EdgeTotals totals = ref CollectionsMarshal.GetValueRefOrAddDefault(_edges, key, out _);
        totals.Packets += edge.Packets;
        totals.Bytes += edge.Bytes;
        totals.Records++;
    }

    public void AddAddress(in NodeAddress address)
    {
        if (_addresses.Count < 2 * Capacity)
        {
            _addresses.TryAdd(address.NodeId, address);
        }
    }

    /// <summary>Merges the tables of all workers into rows, largest edges first.</summary>
    public static IReadOnlyList<CapturedEdge> Merge(IEnumerable<CapturedEdgeTable> tables, out long omittedEdges)
    {
        var edges = new Dictionary<EdgeKey, EdgeTotals>();
        var addresses = new Dictionary<ulong, NodeAddress>();
        omittedEdges = 0;
        foreach (CapturedEdgeTable table in tables)
        {
            omittedEdges += table.OmittedEdges;
            foreach (var (nodeId, address) in table._addresses)
            {
                addresses.TryAdd(nodeId, address);
            }
            foreach (var (key, totals) in table._edges)
            {
                ref EdgeTotals merged = ref CollectionsMarshal.GetValueRefOrAddDefault(edges, key, out _);
                merged.Packets += totals.Packets;
                merged.Bytes += totals.Bytes;
                merged.Records += totals.Records;
            }
        }
        return edges
            .Select(pair => new CapturedEdge(
                Resolve(addresses, pair.Key.Source), Resolve(addresses, pair.Key.Destination),
                pair.Key.SourcePort, pair.Key.DestinationPort, pair.Key.Protocol,
                pair.Value.Packets, pair.Value.Bytes, pair.Value.Records))
            .OrderByDescending(edge => edge.Packets)
            .ThenBy(edge => edge.Source?.ToString(), StringComparer.Ordinal)
            .ThenBy(edge => edge.Destination?.ToString(), StringComparer.Ordinal)
            .ThenBy(edge => edge.SourcePort)
            .ThenBy(edge => edge.DestinationPort)
            .ToArray();
    }

    private static IPAddress? Resolve(Dictionary<ulong, NodeAddress> addresses, ulong nodeId) =>
        addresses.TryGetValue(nodeId, out NodeAddress address) ? address.ToIPAddress() : null;

    private readonly record struct EdgeKey(ulong Source, ulong Destination, ushort SourcePort, ushort DestinationPort, byte Protocol);

    private struct EdgeTotals
    {
        public long Packets;
        public long Bytes;
        public int Records;
    }
}
