using System.Buffers.Binary;

namespace NerfEngine.Sensor.Capture.Files;

/// <summary>
/// Reads integers in the byte order the writer of a file used (pcap and pcapng are written in the
/// writer's native order and say which in their magic): the one place that order is handled.
/// </summary>
internal readonly struct FileByteOrder(bool bigEndian)
{
    public bool IsBigEndian { get; } = bigEndian;

    public ushort ReadUInt16(ReadOnlySpan<byte> source) =>
        IsBigEndian ? BinaryPrimitives.ReadUInt16BigEndian(source) : BinaryPrimitives.ReadUInt16LittleEndian(source);

    public uint ReadUInt32(ReadOnlySpan<byte> source) =>
        IsBigEndian ? BinaryPrimitives.ReadUInt32BigEndian(source) : BinaryPrimitives.ReadUInt32LittleEndian(source);

    public long ReadInt64(ReadOnlySpan<byte> source) =>
        IsBigEndian ? BinaryPrimitives.ReadInt64BigEndian(source) : BinaryPrimitives.ReadInt64LittleEndian(source);
}
