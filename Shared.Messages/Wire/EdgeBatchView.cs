using System.Text;
using NerfEngine.Shared.Messages.Codecs;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Shared.Messages.Wire;

/// <summary>
/// An <see cref="EdgeBatch"/> (proto/edges.proto) read in place from its serialised bytes: the scalar fields decoded,
/// the packed edges and node addresses left where they are. For consumers that take batches at line rate and need
/// the records, not a message object: the generated parser copies both record arrays into new byte arrays, this
/// copies nothing. Unknown fields are skipped as protobuf requires; the record counts are checked as
/// <see cref="EdgeBatch.GetEdges"/> checks them.
/// </summary>
/// <example><code>
/// EdgeBatchView batch = EdgeBatchView.Parse(delivery.Message.Payload.Span);
/// foreach (ref readonly GraphEdge edge in batch.GetEdges()) { ... }
/// </code></example>
public readonly ref struct EdgeBatchView
{
    private const int VarintWire = 0;
    private const int Fixed64Wire = 1;
    private const int LengthDelimitedWire = 2;
    private const int Fixed32Wire = 5;

    private readonly ReadOnlySpan<byte> _sensorId;

    private EdgeBatchView(
        ReadOnlySpan<byte> sensorId, ulong batchSequence, ulong firstTimestampNs, ulong lastTimestampNs,
        ReadOnlySpan<byte> edges, uint edgeCount, ReadOnlySpan<byte> nodeAddresses, uint nodeAddressCount)
    {
        _sensorId = sensorId;
        BatchSequence = batchSequence;
        FirstTimestampNs = firstTimestampNs;
        LastTimestampNs = lastTimestampNs;
        PackedEdges = edges;
        EdgeCount = edgeCount;
        PackedNodeAddresses = nodeAddresses;
        NodeAddressCount = nodeAddressCount;
    }

    /// <summary>The sensor's name (decoded from UTF-8 when asked for: it allocates).</summary>
    public string SensorId => Encoding.UTF8.GetString(_sensorId);

    /// <summary>The sensor's batch sequence number.</summary>
    public ulong BatchSequence { get; }

    /// <summary>Smallest edge timestamp (Unix epoch ns); 0 when empty.</summary>
    public ulong FirstTimestampNs { get; }

    /// <summary>Largest edge timestamp (Unix epoch ns); 0 when empty.</summary>
    public ulong LastTimestampNs { get; }

    /// <summary>Edges the batch declares (checked against the bytes by <see cref="Parse"/>).</summary>
    public uint EdgeCount { get; }

    /// <summary>Node addresses the batch declares (checked against the bytes by <see cref="Parse"/>).</summary>
    public uint NodeAddressCount { get; }

    /// <summary>The packed GraphEdge records, in the serialised message.</summary>
    public ReadOnlySpan<byte> PackedEdges { get; }

    /// <summary>The packed NodeAddress records, in the serialised message.</summary>
    public ReadOnlySpan<byte> PackedNodeAddresses { get; }

    /// <summary>
    /// The edges without copying where the host allows it (little-endian), else copied into a new array,
    /// as <see cref="EdgeBatch.GetEdges"/>.
    /// </summary>
    public ReadOnlySpan<GraphEdge> GetEdges() =>
        GraphEdgeCodec.TryView(PackedEdges, out ReadOnlySpan<GraphEdge> edges) ? edges : GraphEdgeCodec.ToArray(PackedEdges);

    /// <summary>Reads a serialised EdgeBatch in place.</summary>
    /// <exception cref="RecordFormatException">
    /// The bytes are not a well-formed message (a truncated field, a bad wire type, a length past the end), or a
    /// record array is not a whole number of records or disagrees with its declared count.
    /// </exception>
    public static EdgeBatchView Parse(ReadOnlySpan<byte> message)
    {
        ReadOnlySpan<byte> sensorId = default, edges = default, nodeAddresses = default;
        ulong sequence = 0, first = 0, last = 0;
        uint edgeCount = 0, nodeAddressCount = 0;
        int position = 0;
        while (position < message.Length)
        {
            ulong tag = ReadVarint(message, ref position);
            int field = (int)Math.Min(tag >> 3, int.MaxValue);
            int wire = (int)(tag & 7);
            switch ((field, wire))
            {
                case (1, LengthDelimitedWire): sensorId = ReadLengthDelimited(message, ref position); break;
                case (2, VarintWire): sequence = ReadVarint(message, ref position); break;
                case (3, VarintWire): first = ReadVarint(message, ref position); break;
                case (4, VarintWire): last = ReadVarint(message, ref position); break;
                case (5, VarintWire): edgeCount = (uint)ReadVarint(message, ref position); break;
                case (6, LengthDelimitedWire): edges = ReadLengthDelimited(message, ref position); break;
                case (7, LengthDelimitedWire): nodeAddresses = ReadLengthDelimited(message, ref position); break;
                case (8, VarintWire): nodeAddressCount = (uint)ReadVarint(message, ref position); break;
                default:
                    if (field == 0)
                    {
                        throw Malformed($"field number 0 at byte {position}");
                    }

                    Skip(message, wire, ref position);
                    break;
            }
        }

        EdgeBatch.CheckCount(GraphEdgeCodec.CountRecords(edges), edgeCount, "edge_count");
        EdgeBatch.CheckCount(NodeAddressCodec.CountRecords(nodeAddresses), nodeAddressCount, "node_address_count");
        return new EdgeBatchView(sensorId, sequence, first, last, edges, edgeCount, nodeAddresses, nodeAddressCount);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> message, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (position >= message.Length)
            {
                throw Malformed("the message ends inside a varint");
            }

            byte b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw Malformed($"a varint longer than 10 bytes ends at byte {position}");
    }

    private static ReadOnlySpan<byte> ReadLengthDelimited(ReadOnlySpan<byte> message, scoped ref int position)
    {
        ulong length = ReadVarint(message, ref position);
        if (length > (ulong)(message.Length - position))
        {
            throw Malformed($"a field of {length} bytes at byte {position} runs past the end of the {message.Length}-byte message");
        }

        ReadOnlySpan<byte> value = message.Slice(position, (int)length);
        position += (int)length;
        return value;
    }

    private static void Skip(ReadOnlySpan<byte> message, int wire, ref int position)
    {
        switch (wire)
        {
            case VarintWire:
                ReadVarint(message, ref position);
                break;
            case LengthDelimitedWire:
                ReadLengthDelimited(message, ref position);
                break;
            case Fixed64Wire or Fixed32Wire:
                int size = wire == Fixed64Wire ? sizeof(ulong) : sizeof(uint);
                if (message.Length - position < size)
                {
                    throw Malformed("the message ends inside a fixed-size field");
                }

                position += size;
                break;
            default:
                throw Malformed($"wire type {wire} (groups are not used by edges.proto) before byte {position}");
        }
    }

    private static RecordFormatException Malformed(string problem) => new($"Not a well-formed EdgeBatch: {problem}.");
}
