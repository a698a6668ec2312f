using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Shared.Messages.Codecs;

/// <summary>
/// Packs <see cref="GraphEdge"/> records to the little-endian wire bytes of <c>struct nerf_graph_edge</c>
/// (bpf/nerf_records.h) and back, as carried in <c>EdgeBatch</c>. On little-endian hosts packing is
/// one memory copy and <see cref="TryView"/> reads without copying; nothing allocates except the
/// array-returning conveniences.
/// </summary>
public static class GraphEdgeCodec
{
    /// <summary>Bytes per record (sizeof(struct nerf_graph_edge)).</summary>
    public const int RecordSize = GraphEdge.Size;

    /// <summary>Bytes needed for <paramref name="count"/> records.</summary>
    public static int ByteCount(int count) => PackedRecords<GraphEdge, GraphEdgeLayout>.ByteCount(count);

    /// <summary>Packs <paramref name="edges"/> into <paramref name="destination"/>; returns bytes written.</summary>
    /// <exception cref="ArgumentException">The destination is too small.</exception>
    public static int Write(ReadOnlySpan<GraphEdge> edges, Span<byte> destination) =>
        PackedRecords<GraphEdge, GraphEdgeLayout>.Write(edges, destination);

    /// <summary>Packs <paramref name="edges"/> into a new array.</summary>
    public static byte[] ToBytes(ReadOnlySpan<GraphEdge> edges)
    {
        var bytes = new byte[ByteCount(edges.Length)];
        Write(edges, bytes);
        return bytes;
    }

    /// <summary>Number of records in <paramref name="source"/>.</summary>
    /// <exception cref="RecordFormatException">The length is not a whole number of records.</exception>
    public static int CountRecords(ReadOnlySpan<byte> source) => PackedRecords<GraphEdge, GraphEdgeLayout>.CountRecords(source);

    /// <summary>Unpacks <paramref name="source"/> into <paramref name="destination"/>; returns records read.</summary>
    /// <exception cref="RecordFormatException">The length is not a whole number of records.</exception>
    /// <exception cref="ArgumentException">The destination is too small.</exception>
    public static int Read(ReadOnlySpan<byte> source, Span<GraphEdge> destination) =>
        PackedRecords<GraphEdge, GraphEdgeLayout>.Read(source, destination);

    /// <summary>Unpacks <paramref name="source"/> into a new array.</summary>
    /// <exception cref="RecordFormatException">The length is not a whole number of records.</exception>
    public static GraphEdge[] ToArray(ReadOnlySpan<byte> source)
    {
        var records = new GraphEdge[CountRecords(source)];
        Read(source, records);
        return records;
    }

    /// <summary>
    /// Views <paramref name="source"/> as records without copying; false on big-endian hosts or
    /// when the length is not a whole number of records (then use <see cref="Read"/>).
    /// </summary>
    public static bool TryView(ReadOnlySpan<byte> source, out ReadOnlySpan<GraphEdge> edges) =>
        PackedRecords<GraphEdge, GraphEdgeLayout>.TryView(source, out edges);

    /// <summary>The big-endian-host path, exposed so tests prove it equals the memory copy.</summary>
    internal static void WritePortable(ReadOnlySpan<GraphEdge> edges, Span<byte> destination) =>
        PackedRecords<GraphEdge, GraphEdgeLayout>.WritePortable(edges, destination);

    /// <summary>The big-endian-host path, exposed so tests prove it equals the memory copy.</summary>
    internal static void ReadPortable(ReadOnlySpan<byte> source, Span<GraphEdge> destination) =>
        PackedRecords<GraphEdge, GraphEdgeLayout>.ReadPortable(source, destination);
}
