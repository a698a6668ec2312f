using FsCheck;
using FsCheck.Fluent;
using NerfEngine.Shared.Messages.Codecs;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Tests.SharedMessages.Codecs;

/// <summary>Properties over random records: packing is byte-exact and lossless in both directions.</summary>
public sealed class GraphEdgeCodecProperties
{
    [Fact]
    public void Random_edge_arrays_round_trip_through_the_wire_bytes()
    {
        Prop.ForAll(RecordGenerators.EdgeArrays(), edges =>
                GraphEdgeCodec.ToArray(GraphEdgeCodec.ToBytes(edges)).SequenceEqual(edges))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Memory_copy_packing_writes_exactly_the_little_endian_field_layout()
    {
        Prop.ForAll(RecordGenerators.EdgeArrays(), edges =>
            {
                var portable = new byte[GraphEdgeCodec.ByteCount(edges.Length)];
                GraphEdgeCodec.WritePortable(edges, portable);
                var back = new GraphEdge[edges.Length];
                GraphEdgeCodec.ReadPortable(portable, back);
                return GraphEdgeCodec.ToBytes(edges).AsSpan().SequenceEqual(portable) && back.SequenceEqual(edges);
            })
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Any_whole_number_of_56_byte_records_unpacks_and_repacks_byte_exactly()
    {
        Prop.ForAll(RecordGenerators.PackedEdgeBytes(), bytes =>
                GraphEdgeCodec.ToBytes(GraphEdgeCodec.ToArray(bytes)).AsSpan().SequenceEqual(bytes))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Random_node_address_arrays_round_trip_byte_exactly()
    {
        Prop.ForAll(RecordGenerators.AddressArrays(), addresses =>
            {
                byte[] bytes = NodeAddressCodec.ToBytes(addresses);
                var portable = new byte[bytes.Length];
                NodeAddressCodec.WritePortable(addresses, portable);
                return bytes.AsSpan().SequenceEqual(portable) && NodeAddressCodec.ToArray(bytes).SequenceEqual(addresses);
            })
            .QuickCheckThrowOnFailure();
    }
}
