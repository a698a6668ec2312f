using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Shared.Messages.Codecs;

/// <summary>
/// Packs <see cref="NodeAddress"/> records to the little-endian wire bytes of <c>struct nerf_node_address</c>
/// (bpf/nerf_records.h) and back, as carried in <c>EdgeBatch</c>. On little-endian hosts packing is
/// one memory copy and <see cref="TryView"/> reads without copying; nothing allocates except the
/// array-returning conveniences.
/// </summary>
public static class NodeAddressCodec
{
    /// <summary>Bytes per record (sizeof(struct nerf_node_address)).</summary>
    public const int RecordSize = NodeAddress.Size;

    /// <summary>Bytes needed for <paramref name="count"/> records.</summary>
    public static int ByteCount(int count) => PackedRecords<NodeAddress, NodeAddressLayout>.ByteCount(count);

    /// <summary>Packs <paramref name="addresses"/> into <paramref name="destination"/>; returns bytes written.</summary>
    /// <exception cref="ArgumentException">The destination is too small.</exception>
    public static int Write(ReadOnlySpan<NodeAddress> addresses, Span<byte> destination) =>
        PackedRecords<NodeAddress, NodeAddressLayout>.Write(addresses, destination);

    /// <summary>Packs <paramref name="addresses"/> into a new array.</summary>
    public static byte[] ToBytes(ReadOnlySpan<NodeAddress> addresses)
    {
        var bytes = new byte[ByteCount(addresses.Length)];
        Write(addresses, bytes);
        return bytes;
    }

    /// <summary>Number of records in <paramref name="source"/>.</summary>
    /// <exception cref="RecordFormatException">The length is not a whole number of records.</exception>
    public static int CountRecords(ReadOnlySpan<byte> source) => PackedRecords<NodeAddress, NodeAddressLayout>.CountRecords(source);

    /// <summary>Unpacks <paramref name="source"/> into <paramref name="destination"/>; returns records read.</summary>
    /// <exception cref="RecordFormatException">The length is not a whole number of records.</exception>
    /// <exception cref="ArgumentException">The destination is too small.</exception>
    public static int Read(ReadOnlySpan<byte> source, Span<NodeAddress> destination) =>
        PackedRecords<NodeAddress, NodeAddressLayout>.Read(source, destination);

    /// <summary>Unpacks <paramref name="source"/> into a new array.</summary>
    /// <exception cref="RecordFormatException">The length is not a whole number of records.</exception>
    public static NodeAddress[] ToArray(ReadOnlySpan<byte> source)
    {
        var records = new NodeAddress[CountRecords(source)];
        Read(source, records);
        return records;
    }

    /// <summary>
    /// Views <paramref name="source"/> as records without copying; false on big-endian hosts or
    /// when the length is not a whole number of records (then use <see cref="Read"/>).
    /// </summary>
    public static bool TryView(ReadOnlySpan<byte> source, out ReadOnlySpan<NodeAddress> addresses) =>
        PackedRecords<NodeAddress, NodeAddressLayout>.TryView(source, out addresses);

    /// <summary>The big-endian-host path, exposed so tests prove it equals the memory copy.</summary>
    internal static void WritePortable(ReadOnlySpan<NodeAddress> addresses, Span<byte> destination) =>
        PackedRecords<NodeAddress, NodeAddressLayout>.WritePortable(addresses, destination);

    /// <summary>The big-endian-host path, exposed so tests prove it equals the memory copy.</summary>
    internal static void ReadPortable(ReadOnlySpan<byte> source, Span<NodeAddress> destination) =>
        PackedRecords<NodeAddress, NodeAddressLayout>.ReadPortable(source, destination);
}
