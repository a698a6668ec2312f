using System.Net;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using NerfEngine.Shared.Messages.Codecs;
using NerfEngine.Shared.Messages.Records;
using NerfEngine.Shared.Messages.Wire;
using NerfEngine.Tests.SharedMessages.Codecs;

namespace NerfEngine.Tests.SharedMessages.Wire;

public sealed class EdgeBatchTests
{
    [Fact]
    public void Edge_batch_survives_protobuf_serialisation_with_records_and_time_range_intact()
    {
        GraphEdge[] edges =
        [
            new() { TimestampNs = 300, SrcNode = 1, DstNode = 2, Kind = EdgeKind.Open, IpVersion = 4 },
            new() { TimestampNs = 100, SrcNode = 3, DstNode = 2, Kind = EdgeKind.Tick, IpVersion = 4 },
            new() { TimestampNs = 200, SrcNode = 4, DstNode = 2, Kind = EdgeKind.Close, IpVersion = 6 },
        ];
        NodeAddress[] addresses =
        [
            NodeAddress.FromIPAddress(IPAddress.Parse("10.0.0.1")),
            NodeAddress.FromIPAddress(IPAddress.Parse("2001:db8::1")),
        ];

        byte[] wire = EdgeBatch.FromRecords("sensor-a", 42, edges, addresses).ToByteArray();
        EdgeBatch batch = EdgeBatch.Parser.ParseFrom(wire);

        Assert.Equal("sensor-a", batch.SensorId);
        Assert.Equal(42UL, batch.BatchSequence);
        Assert.Equal((100UL, 300UL), (batch.FirstTimestampNs, batch.LastTimestampNs));
        Assert.Equal(3u, batch.EdgeCount);
        Assert.Equal(edges, batch.ReadEdges());
        Assert.Equal(edges, batch.GetEdges().ToArray());
        Assert.Equal(2u, batch.NodeAddressCount);
        Assert.Equal(addresses, batch.ReadNodeAddresses());
    }

    [Fact]
    public void Random_edge_arrays_survive_a_protobuf_round_trip()
    {
        Prop.ForAll(RecordGenerators.EdgeArrays(), edges =>
            {
                EdgeBatch batch = EdgeBatch.Parser.ParseFrom(EdgeBatch.FromRecords("s", 1, edges).ToByteString());
                return batch.ReadEdges().SequenceEqual(edges) && batch.EdgeCount == edges.Length;
            })
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_batch_of_edges_packed_as_they_arrived_serialises_exactly_as_one_built_from_the_records()
    {
        Prop.ForAll(RecordGenerators.EdgeArrays(), edges =>
            {
                NodeAddress[] addresses = [NodeAddress.FromIPAddress(IPAddress.Parse("192.0.2.7"))];
                byte[] packed = new byte[GraphEdgeCodec.ByteCount(edges.Length)];
                GraphEdgeCodec.Write(edges, packed);
                ulong first = edges.Length == 0 ? 0 : edges.Min(e => e.TimestampNs);
                ulong last = edges.Length == 0 ? 0 : edges.Max(e => e.TimestampNs);

                byte[] fromPacked = EdgeBatch.FromPackedEdges("s", 9, first, last, packed, addresses).ToByteArray();
                byte[] fromRecords = EdgeBatch.FromRecords("s", 9, edges, addresses).ToByteArray();
                return fromPacked.AsSpan().SequenceEqual(fromRecords);
            })
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Packed_edges_that_are_not_whole_records_are_refused()
    {
        Assert.Throws<RecordFormatException>(() => EdgeBatch.FromPackedEdges("s", 0, 0, 0, new byte[GraphEdgeCodec.RecordSize + 1]));
    }

    [Fact]
    public void An_empty_batch_has_no_records_and_a_zero_time_range()
    {
        EdgeBatch batch = EdgeBatch.Parser.ParseFrom(EdgeBatch.FromRecords("s", 0, []).ToByteArray());

        Assert.Empty(batch.ReadEdges());
        Assert.Empty(batch.ReadNodeAddresses());
        Assert.Equal((0UL, 0UL), (batch.FirstTimestampNs, batch.LastTimestampNs));
    }

    [Fact]
    public void A_batch_whose_count_disagrees_with_its_bytes_is_rejected()
    {
        EdgeBatch batch = EdgeBatch.FromRecords("s", 1, [default, default]);
        batch.EdgeCount = 3;

        var error = Assert.Throws<RecordFormatException>(() => batch.ReadEdges());
        Assert.Contains("edge_count says 3 records but the bytes hold 2", error.Message);
    }

    [Fact]
    public void A_batch_with_a_torn_record_is_rejected()
    {
        var batch = new EdgeBatch { EdgeCount = 1, Edges = ByteString.CopyFrom(new byte[57]) };

        Assert.Throws<RecordFormatException>(() => batch.ReadEdges());
    }
}
