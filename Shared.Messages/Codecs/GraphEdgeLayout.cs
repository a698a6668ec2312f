using System.Buffers.Binary;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Shared.Messages.Codecs;

/// <summary>Wire layout of <c>struct nerf_graph_edge</c>; offsets as commented in bpf/nerf_records.h.</summary>
internal readonly struct GraphEdgeLayout : IRecordLayout<GraphEdge>
{
    public static int Size => GraphEdge.Size;

    public static string CName => "nerf_graph_edge";

    public static void Write(in GraphEdge edge, Span<byte> d)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(d[0..], edge.TimestampNs);
        BinaryPrimitives.WriteUInt64LittleEndian(d[8..], edge.SrcNode);
        BinaryPrimitives.WriteUInt64LittleEndian(d[16..], edge.DstNode);
        BinaryPrimitives.WriteUInt64LittleEndian(d[24..], edge.EdgeHash);
        BinaryPrimitives.WriteUInt32LittleEndian(d[32..], edge.Packets);
        BinaryPrimitives.WriteUInt32LittleEndian(d[36..], edge.Bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(d[40..], edge.DurationMs);
        BinaryPrimitives.WriteUInt16LittleEndian(d[44..], edge.SrcPort);
        BinaryPrimitives.WriteUInt16LittleEndian(d[46..], edge.DstPort);
        BinaryPrimitives.WriteUInt16LittleEndian(d[48..], edge.SensorId);
        d[50] = edge.Protocol;
        d[51] = (byte)edge.Kind;
        d[52] = edge.TcpFlags;
        d[53] = edge.IpVersion;
        BinaryPrimitives.WriteUInt16LittleEndian(d[54..], edge.Reserved);
    }

    public static GraphEdge Read(ReadOnlySpan<byte> s) => new()
    {
        TimestampNs = BinaryPrimitives.ReadUInt64LittleEndian(s[0..]),
        SrcNode = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]),
        DstNode = BinaryPrimitives.ReadUInt64LittleEndian(s[16..]),
        EdgeHash = BinaryPrimitives.ReadUInt64LittleEndian(s[24..]),
        Packets = BinaryPrimitives.ReadUInt32LittleEndian(s[32..]),
        Bytes = BinaryPrimitives.ReadUInt32LittleEndian(s[36..]),
        DurationMs = BinaryPrimitives.ReadUInt32LittleEndian(s[40..]),
        SrcPort = BinaryPrimitives.ReadUInt16LittleEndian(s[44..]),
        DstPort = BinaryPrimitives.ReadUInt16LittleEndian(s[46..]),
        SensorId = BinaryPrimitives.ReadUInt16LittleEndian(s[48..]),
        Protocol = s[50],
        Kind = (EdgeKind)s[51],
        TcpFlags = s[52],
        IpVersion = s[53],
        Reserved = BinaryPrimitives.ReadUInt16LittleEndian(s[54..]),
    };
}
