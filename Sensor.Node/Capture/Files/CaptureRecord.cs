using System.Runtime.CompilerServices;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Capture.Files;

/// <summary>
/// One packet record from a capture file. <see cref="Data"/> points into the reader's reusable
/// buffer, so a record is valid only until the reader moves on; it is a ref struct so it cannot
/// outlive that by accident.
/// </summary>
public readonly ref struct CaptureRecord
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal CaptureRecord(long fileOffset, long timestampNanoseconds, int interfaceIndex, LinkType linkType, ReadOnlySpan<byte> data, int originalLength)
    {
        FileOffset = fileOffset;
        TimestampNanoseconds = timestampNanoseconds;
        InterfaceIndex = interfaceIndex;
        LinkType = linkType;
        Data = data;
        OriginalLength = originalLength;
    }

    /// <summary>Nanoseconds since the Unix epoch (UTC), whatever the resolution the file stored.</summary>
    public long TimestampNanoseconds { get; }

    /// <summary>
    /// Interface the packet was captured on: 0 for classic pcap; for pcapng the interface's position
    /// among all IDBs of the file, counted across sections so interfaces of different sections never
    /// share an index (Wireshark instead restarts at 0 per section and adds a section number).
    /// </summary>
    public int InterfaceIndex { get; }

    /// <summary>Link-layer type of the interface (LINKTYPE_ number; may be a value the parser does not name).</summary>
    public LinkType LinkType { get; }

    /// <summary>The captured bytes.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>Length of the packet on the wire; larger than <see cref="Data"/> when a snap length cut it.</summary>
    public int OriginalLength { get; }

    /// <summary>Offset of this record's header (pcap) or block (pcapng) in the file.</summary>
    public long FileOffset { get; }

    /// <summary>The snap length cut this packet: fewer bytes were captured than were on the wire.</summary>
    public bool IsTruncated => Data.Length < OriginalLength;

    /// <summary>The timestamp at the 100 ns resolution <see cref="DateTimeOffset"/> has.</summary>
    public DateTimeOffset Timestamp => DateTimeOffset.UnixEpoch.AddTicks(TimestampNanoseconds / 100);
}
