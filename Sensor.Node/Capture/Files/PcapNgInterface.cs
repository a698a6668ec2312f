using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Capture.Files;

/// <summary>What an Interface Description Block declares, as far as record decoding needs it.</summary>
/// <param name="LinkType">LINKTYPE_ of the interface.</param>
/// <param name="SnapLength">Snap length, 0 meaning unlimited; bounds Simple Packet Block data.</param>
/// <param name="Resolution">Timestamp unit from if_tsresol.</param>
/// <param name="OffsetNanoseconds">if_tsoffset (seconds) already scaled to nanoseconds.</param>
internal readonly record struct PcapNgInterface(LinkType LinkType, uint SnapLength, TimestampResolution Resolution, long OffsetNanoseconds)
{
    public long ToNanoseconds(ulong ticks) => Resolution.ToNanoseconds(ticks) + OffsetNanoseconds;
}
