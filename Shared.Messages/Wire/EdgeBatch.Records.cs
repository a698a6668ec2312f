using Google.Protobuf;
using NerfEngine.Shared.Messages.Codecs;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Shared.Messages.Wire;

/// <summary>
/// Packs and unpacks the records an <see cref="EdgeBatch"/> carries (proto/edges.proto), so every
/// producer fills the envelope the same way and every consumer checks it the same way.
/// </summary>
public sealed partial class EdgeBatch
{
    /// <summary>
    /// A batch of <paramref name="edges"/> (and the addresses of node ids first seen in it) from
    /// one sensor. The time range is the smallest and largest edge timestamp. Each record array is
    /// packed once and wrapped, not copied again.
    /// </summary>
    public static EdgeBatch FromRecords(
        string sensorId,
        ulong batchSequence,
        ReadOnlySpan<GraphEdge> edges,
        ReadOnlySpan<NodeAddress> nodeAddresses = default)
    {
        ArgumentNullException.ThrowIfNull(sensorId);
        ulong first = edges.IsEmpty ? 0 : ulong.MaxValue;
        ulong last = 0;
        foreach (ref readonly GraphEdge edge in edges)
        {
            first = Math.Min(first, edge.TimestampNs);
            last = Math.Max(last, edge.TimestampNs);
        }

        return FromPackedEdges(sensorId, batchSequence, first, last, GraphEdgeCodec.ToBytes(edges), nodeAddresses);
    }

    /// <summary>
    /// A batch around edges a producer packed as they arrived (<see cref="GraphEdgeCodec.Write"/>), for
    /// serialising at once: <paramref name="packedEdges"/> is wrapped, not copied, so it must not change
    /// until the batch has been written out. <paramref name="firstTimestampNs"/> and
    /// <paramref name="lastTimestampNs"/> are the smallest and largest edge timestamp (0 and 0 when empty),
    /// as <see cref="FromRecords"/> computes them.
    /// </summary>
    /// <exception cref="RecordFormatException">The bytes are not a whole number of records.</exception>
    public static EdgeBatch FromPackedEdges(
        string sensorId,
        ulong batchSequence,
        ulong firstTimestampNs,
        ulong lastTimestampNs,
        ReadOnlyMemory<byte> packedEdges,
        ReadOnlySpan<NodeAddress> nodeAddresses = default)
    {
        ArgumentNullException.ThrowIfNull(sensorId);
        int edgeCount = GraphEdgeCodec.CountRecords(packedEdges.Span);
        return new EdgeBatch
        {
            SensorId = sensorId,
            BatchSequence = batchSequence,
            FirstTimestampNs = firstTimestampNs,
            LastTimestampNs = lastTimestampNs,
            EdgeCount = (uint)edgeCount,
            Edges = UnsafeByteOperations.UnsafeWrap(packedEdges),
            NodeAddressCount = (uint)nodeAddresses.Length,
            NodeAddresses = UnsafeByteOperations.UnsafeWrap(NodeAddressCodec.ToBytes(nodeAddresses)),
        };
    }

    /// <summary>
    /// Views the packed edges without copying where the host allows it (see
    /// <see cref="GraphEdgeCodec.TryView"/>); otherwise copies them into a new array.
    /// </summary>
    /// <exception cref="RecordFormatException">The bytes and <see cref="EdgeCount"/> disagree.</exception>
    public ReadOnlySpan<GraphEdge> GetEdges()
    {
        ReadOnlySpan<byte> bytes = Edges.Span;
        CheckCount(GraphEdgeCodec.CountRecords(bytes), EdgeCount, "edge_count");
        return GraphEdgeCodec.TryView(bytes, out ReadOnlySpan<GraphEdge> edges) ? edges : GraphEdgeCodec.ToArray(bytes);
    }

    /// <summary>Copies the packed edges into a new array.</summary>
    /// <exception cref="RecordFormatException">The bytes and <see cref="EdgeCount"/> disagree.</exception>
    public GraphEdge[] ReadEdges() => GetEdges().ToArray();

    /// <summary>Copies the packed node addresses into a new array.</summary>
    /// <exception cref="RecordFormatException">The bytes and <see cref="NodeAddressCount"/> disagree.</exception>
    public NodeAddress[] ReadNodeAddresses()
    {
        ReadOnlySpan<byte> bytes = NodeAddresses.Span;
        CheckCount(NodeAddressCodec.CountRecords(bytes), NodeAddressCount, "node_address_count");
        return NodeAddressCodec.ToArray(bytes);
    }

    /// <summary>Refuses a record array whose length and declared count disagree (shared with <see cref="EdgeBatchView"/>).</summary>
    internal static void CheckCount(int recordsInBytes, uint declared, string field)
    {
        if (recordsInBytes != declared)
        {
            throw new RecordFormatException(
                $"EdgeBatch.{field} says {declared} records but the bytes hold {recordsInBytes}.");
        }
    }
}
