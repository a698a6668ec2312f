using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Flows;

/// <summary>
/// An IP packet reduced to what the <see cref="FlowTracker"/> needs, with its flow key and hash already
/// computed (<see cref="FlowTracker.KeyOf"/>): 80 bytes instead of a ParsedPacket's 84 plus a key's 48. The
/// replay's read-ahead thread writes these and the tracker's thread reads them, so every byte left out is
/// a byte less moving between the two cores' caches.
/// </summary>
public struct KeyedPacket
{
    /// <summary>The flow key (canonical endpoint order).</summary>
    public FlowKey Key;

    /// <summary><see cref="Key"/>'s hash under the tracker's seed.</summary>
    public ulong Hash;

    /// <summary>IP total length (header included): the bytes a flow counts.</summary>
    public uint IpBytes;

    /// <summary>Frame length on the wire.</summary>
    public uint FrameBytes;

    /// <summary>TCP flags of a TCP packet whose header was captured; None otherwise.</summary>
    public TcpFlags TcpFlags;

    /// <summary>True when the sender is side A of <see cref="Key"/>.</summary>
    public bool SenderIsA;

    /// <summary>An IP fragment with more to come (a fragment flow ends at the last one).</summary>
    public bool MoreFragments;
}
