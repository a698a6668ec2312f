using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using NerfEngine.Shared.Messages.Codecs;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Tests.SharedMessages.Codecs;

public sealed class GraphEdgeCodecTests
{
    private static readonly GraphEdge HttpsOpen = new()
    {
        TimestampNs = 1_700_000_000_123_456_789,
        SrcNode = 0x1111_2222_3333_4444,
        DstNode = 0x5555_6666_7777_8888,
        EdgeHash = 0x9999_aaaa_bbbb_cccc,
        Packets = 1,
        Bytes = 60,
        DurationMs = 0,
        SrcPort = 51_000,
        DstPort = 443,
        SensorId = 7,
        Protocol = 6,
        Kind = EdgeKind.Open,
        TcpFlags = 0x02,
        IpVersion = 4,
    };

    [Fact]
    public void A_tcp_open_edge_lands_at_the_header_offsets_little_endian()
    {
        byte[] bytes = GraphEdgeCodec.ToBytes([HttpsOpen]);

        Assert.Equal(56, bytes.Length);
        Assert.Equal(HttpsOpen.TimestampNs, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(0)));
        Assert.Equal(HttpsOpen.DstNode, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(16)));
        Assert.Equal(60u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(36)));
        Assert.Equal((ushort)443, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(46)));
        Assert.Equal(7, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(48)));
        Assert.Equal([6, (byte)EdgeKind.Open, 0x02, 4, 0, 0], bytes[50..56]);
    }

    [Fact]
    public void Several_edges_pack_back_to_back_and_unpack_in_order()
    {
        GraphEdge[] edges = [HttpsOpen, HttpsOpen with { Kind = EdgeKind.Tick, Packets = 10 }, default];
        byte[] bytes = GraphEdgeCodec.ToBytes(edges);

        Assert.Equal(3 * GraphEdgeCodec.RecordSize, bytes.Length);
        Assert.Equal(edges, GraphEdgeCodec.ToArray(bytes));
    }

    [Fact]
    public void No_edges_pack_to_no_bytes_and_back()
    {
        Assert.Empty(GraphEdgeCodec.ToBytes([]));
        Assert.Empty(GraphEdgeCodec.ToArray([]));
    }

    [Fact]
    public void A_torn_record_is_a_record_format_error_not_a_crash()
    {
        var error = Assert.Throws<RecordFormatException>(() => GraphEdgeCodec.ToArray(new byte[55]));
        Assert.Contains("56-byte nerf_graph_edge", error.Message);
    }

    [Fact]
    public void Packing_into_a_buffer_that_is_too_small_is_refused()
    {
        Assert.Throws<ArgumentException>(() => GraphEdgeCodec.Write([HttpsOpen, HttpsOpen], new byte[100]));
        Assert.Throws<ArgumentException>(() => GraphEdgeCodec.Read(new byte[112], new GraphEdge[1]));
    }

    [Fact]
    public void A_view_reads_the_packed_bytes_in_place()
    {
        byte[] bytes = GraphEdgeCodec.ToBytes([HttpsOpen, HttpsOpen]);

        Assert.True(GraphEdgeCodec.TryView(bytes, out ReadOnlySpan<GraphEdge> view));
        Assert.Equal(2, view.Length);
        Assert.True(Unsafe.AreSame(
            ref Unsafe.As<GraphEdge, byte>(ref Unsafe.AsRef(in view[1])), ref bytes[GraphEdge.Size]));
        Assert.Equal(HttpsOpen, view[1]);
        Assert.False(GraphEdgeCodec.TryView(bytes.AsSpan(1), out _));
    }

    [Fact]
    public void Packing_and_unpacking_into_caller_buffers_allocates_nothing()
    {
        GraphEdge[] edges = Enumerable.Repeat(HttpsOpen, 64).ToArray();
        var bytes = new byte[GraphEdgeCodec.ByteCount(edges.Length)];
        var back = new GraphEdge[edges.Length];
        GraphEdgeCodec.Write(edges, bytes);
        GraphEdgeCodec.Read(bytes, back);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            GraphEdgeCodec.Write(edges, bytes);
            GraphEdgeCodec.Read(bytes, back);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
