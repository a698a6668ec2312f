using System.Net;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using NerfEngine.Shared.Messages.Records;
using NerfEngine.Shared.Messages.Wire;
using NerfEngine.Tests.SharedMessages.Codecs;

namespace NerfEngine.Tests.SharedMessages.Wire;

public sealed class EdgeBatchViewTests
{
    private static readonly NodeAddress[] Addresses =
    [
        NodeAddress.FromIPAddress(IPAddress.Parse("10.0.0.1")),
        NodeAddress.FromIPAddress(IPAddress.Parse("2001:db8::1")),
    ];

    [Fact]
    public void The_view_reads_what_the_generated_parser_reads_for_any_batch()
    {
        Prop.ForAll(RecordGenerators.EdgeArrays(), edges =>
            {
                byte[] wire = EdgeBatch.FromRecords("sensor-ä", 77, edges, Addresses).ToByteArray();
                EdgeBatch parsed = EdgeBatch.Parser.ParseFrom(wire);
                EdgeBatchView view = EdgeBatchView.Parse(wire);
                return view.SensorId == parsed.SensorId
                    && view.BatchSequence == parsed.BatchSequence
                    && view.FirstTimestampNs == parsed.FirstTimestampNs
                    && view.LastTimestampNs == parsed.LastTimestampNs
                    && view.EdgeCount == parsed.EdgeCount
                    && view.GetEdges().SequenceEqual(parsed.GetEdges())
                    && view.NodeAddressCount == parsed.NodeAddressCount
                    && view.PackedNodeAddresses.SequenceEqual(parsed.NodeAddresses.Span);
            })
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void The_view_does_not_copy_the_records()
    {
        byte[] wire = EdgeBatch.FromRecords("s", 1, [new GraphEdge { TimestampNs = 5, DstNode = 9 }]).ToByteArray();

        EdgeBatchView view = EdgeBatchView.Parse(wire);

        Assert.True(view.PackedEdges.Overlaps(wire), "the packed edges are a slice of the message");
    }

    [Fact]
    public void Unknown_fields_of_every_wire_type_are_skipped()
    {
        byte[] known = EdgeBatch.FromRecords("s", 3, [new GraphEdge { TimestampNs = 5 }]).ToByteArray();
        using var extra = new MemoryStream();
        var output = new CodedOutputStream(extra);
        output.WriteTag(20, WireFormat.WireType.Varint);
        output.WriteUInt64(1UL << 40);
        output.WriteTag(21, WireFormat.WireType.Fixed64);
        output.WriteFixed64(7);
        output.WriteTag(22, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFromUtf8("later"));
        output.WriteTag(23, WireFormat.WireType.Fixed32);
        output.WriteFixed32(7);
        output.Flush();
        byte[] wire = [.. extra.ToArray(), .. known];

        EdgeBatchView view = EdgeBatchView.Parse(wire);

        Assert.Equal(3UL, view.BatchSequence);
        Assert.Equal(1u, view.EdgeCount);
        Assert.Equal(EdgeBatch.Parser.ParseFrom(wire).BatchSequence, view.BatchSequence);
    }

    [Fact]
    public void An_empty_message_is_an_empty_batch()
    {
        EdgeBatchView view = EdgeBatchView.Parse([]);

        Assert.Equal(0u, view.EdgeCount);
        Assert.True(view.GetEdges().IsEmpty);
        Assert.Equal("", view.SensorId);
    }

    [Fact]
    public void Every_cut_of_a_batch_and_every_bad_count_is_a_clear_format_error_never_a_crash()
    {
        byte[] wire = EdgeBatch.FromRecords("sensor", 1, [new GraphEdge { TimestampNs = 1 }, new GraphEdge { TimestampNs = 2 }], Addresses).ToByteArray();
        int refused = 0;
        for (int length = 1; length < wire.Length; length++)
        {
            byte[] cut = wire[..length];
            try
            {
                // A cut at a field boundary before the records is a well-formed batch with fields missing.
                EdgeBatchView view = EdgeBatchView.Parse(cut);
                EdgeBatch parsed = EdgeBatch.Parser.ParseFrom(cut);
                Assert.Equal((parsed.BatchSequence, parsed.EdgeCount, parsed.NodeAddressCount), (view.BatchSequence, view.EdgeCount, view.NodeAddressCount));
            }
            catch (RecordFormatException error)
            {
                refused++;
                Assert.False(string.IsNullOrWhiteSpace(error.Message));
            }
        }

        Assert.True(refused > wire.Length / 2, $"most cuts fall inside a field or split records from their count ({refused} of {wire.Length - 1} refused)");

        var lying = EdgeBatch.Parser.ParseFrom(wire);
        lying.EdgeCount = 3;
        Assert.Throws<RecordFormatException>(() => EdgeBatchView.Parse(lying.ToByteArray()));
        Assert.Throws<RecordFormatException>(() => EdgeBatchView.Parse([0x0B])); // field 1 as a group: not in edges.proto
        Assert.Throws<RecordFormatException>(() => EdgeBatchView.Parse([0x00, 0x01])); // field number 0
    }

    [Fact]
    public void Random_bytes_are_read_or_refused_with_a_format_error()
    {
        Prop.ForAll(Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()).ToArbitrary(), bytes =>
            {
                try
                {
                    EdgeBatchView.Parse(bytes);
                }
                catch (RecordFormatException)
                {
                }

                return true;
            })
            .QuickCheckThrowOnFailure();
    }
}
