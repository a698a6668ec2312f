using System.Runtime.CompilerServices;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Flows;

/// <summary>
/// Keys IP packets for one <see cref="FlowTracker"/>: its hash seed and VLAN setting, fixed when the tracker is
/// made, in a value of their own. A thread that parses ahead of the tracker's (the replay's read-ahead) keys
/// packets with its own copy: reading the two settings from the tracker object itself cost a cache miss per
/// packet, because they share cache lines with the counters the tracker's thread updates per packet (≈4% of a
/// two-thread replay's CPU).
/// </summary>
public readonly struct FlowKeyer
{
    private readonly ulong _seed;
    private readonly bool _vlanAware;

    /// <summary>Keys with the given table seed; <paramref name="vlanAware"/> puts VLAN ids into the key.</summary>
    public FlowKeyer(ulong seed, bool vlanAware)
    {
        _seed = seed;
        _vlanAware = vlanAware;
    }

    /// <summary>
    /// An IP packet reduced to what <see cref="FlowTracker.Observe{TSink}(in KeyedPacket, long, ref TSink)"/>
    /// needs, its flow key computed. Only for packets with <see cref="ParsedPacket.IpVersion"/> 4 or 6.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void KeyOf(in ParsedPacket packet, out KeyedPacket keyed)
    {
        FlowKey.Create(in packet, _vlanAware, _seed, out keyed.Key, out keyed.Hash, out keyed.SenderIsA);
        keyed.IpBytes = (uint)packet.IpTotalLength;
        keyed.FrameBytes = (uint)packet.FrameLength;
        keyed.TcpFlags = packet.Protocol == IpProtocols.Tcp && packet.HasTransportHeader ? packet.TcpFlags : TcpFlags.None;
        keyed.MoreFragments = packet.MoreFragments;
    }
}
