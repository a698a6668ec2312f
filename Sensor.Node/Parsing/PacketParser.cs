using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace NerfEngine.Sensor.Parsing;

/// <summary>
/// The one packet parser: reads link, VLAN, IP and transport headers of a frame into a
/// <see cref="ParsedPacket"/>. Works on a span over whatever memory holds the frame (ring block,
/// file buffer), allocates nothing, and never throws: every input maps to one <see cref="ParseOutcome"/>.
/// </summary>
/// <remarks>
/// Network byte order is read only through <see cref="BinaryPrimitives"/>. Bounds are checked
/// explicitly, before each read, in the <c>(uint)a &gt; (uint)b</c> form Kestrel's HttpParser uses, so a
/// malformed length can never turn into an exception.
/// </remarks>
public static partial class PacketParser
{
    /// <summary>Destination MAC, source MAC and type field.</summary>
    public const int EthernetHeaderLength = 14;
    private const int VlanTagLength = 4;
    private const int LinuxSllHeaderLength = 16;
    private const int LinuxSll2HeaderLength = 20;

    /// <summary>Parses one frame.</summary>
    /// <remarks>
    /// Inlined into its callers: a replay's read-ahead loop calls it for every record, and the call (through the
    /// precompiled image's indirection cell and stub, with the packet returned through memory) cost a two-thread replay
    /// about 3% of its CPU.
    /// </remarks>
    /// <param name="frame">The captured bytes, starting at the link-layer header.</param>
    /// <param name="packet">The fields read; defaults past the point where parsing stopped.</param>
    /// <param name="originalLength">
    /// Length of the frame on the wire (AF_PACKET tp_len, pcap orig_len); when the capture was cut by a
    /// snap length this is larger than <paramref name="frame"/>. Negative or smaller values mean "not cut".
    /// </param>
    /// <param name="vlanTci">
    /// A VLAN tag the capture delivered out of band (AF_PACKET's tp_vlan_tci): the kernel removed the
    /// outer tag from the bytes, so it is recorded as the outer VLAN before any in-band tag.
    /// </param>
    /// <param name="hasVlan">Whether <paramref name="vlanTci"/> is valid (TP_STATUS_VLAN_VALID).</param>
    /// <param name="linkType">How the frame starts; Ethernet unless a capture file says otherwise.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining | HotPath.Optimize)]
    public static ParseOutcome Parse(
        ReadOnlySpan<byte> frame,
        out ParsedPacket packet,
        int originalLength = -1,
        ushort vlanTci = 0,
        bool hasVlan = false,
        LinkType linkType = LinkType.Ethernet)
    {
        packet = default;
        int wireLength = originalLength < frame.Length ? frame.Length : originalLength;
        packet.FrameLength = wireLength;
        packet.CapturedLength = frame.Length;
        if (hasVlan)
        {
            packet.TryPushVlan(vlanTci);
        }

        // The per-packet steps (EtherType, IPv4, transport) are inlined into this method (see HotPath), so each is
        // called from one site: the link header only picks where the EtherType is.
        int headerLength;
        ushort etherType;
        switch (linkType)
        {
            case LinkType.Ethernet:
                headerLength = EthernetHeaderLength;
                etherType = frame.Length < EthernetHeaderLength ? (ushort)0 : BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(12));
                break;
            case LinkType.LinuxSll:
                headerLength = LinuxSllHeaderLength;
                etherType = frame.Length < LinuxSllHeaderLength ? (ushort)0 : BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(14));
                break;
            case LinkType.LinuxSll2:
                headerLength = LinuxSll2HeaderLength;
                etherType = frame.Length < LinuxSll2HeaderLength ? (ushort)0 : BinaryPrimitives.ReadUInt16BigEndian(frame);
                break;
            case LinkType.RawIp:
                // Raw IP carries no type field: the version nibble decides.
                return frame.Length > 0 && (frame[0] >> 4) == 6
                    ? ParseIpv6(frame, 0, wireLength, ref packet)
                    : ParseIpv4Packet(frame, 0, wireLength, ref packet);
            case LinkType.Ipv4:
                return ParseIpv4Packet(frame, 0, wireLength, ref packet);
            case LinkType.Ipv6:
                return ParseIpv6(frame, 0, wireLength, ref packet);
            default:
                return ParseOutcome.UnsupportedLinkType;
        }

        return frame.Length < headerLength
            ? ParseOutcome.TruncatedEthernet
            : ParseEtherType(frame, etherType, headerLength, wireLength, ref packet);
    }

    /// <summary><see cref="ParseIpv4"/> where the link header gives no EtherType (raw IP): a call, not another inlined copy.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | HotPath.Optimize)]
    private static ParseOutcome ParseIpv4Packet(ReadOnlySpan<byte> frame, int offset, int wireLength, ref ParsedPacket packet) =>
        ParseIpv4(frame, offset, wireLength, ref packet);

    /// <summary>Walks up to two VLAN tags (802.1Q, 802.1ad, legacy 0x9100), then dispatches on the EtherType.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ParseOutcome ParseEtherType(ReadOnlySpan<byte> frame, ushort etherType, int offset, int wireLength, ref ParsedPacket packet)
    {
        while (etherType is EtherTypes.Vlan or EtherTypes.QinQ or EtherTypes.QinQLegacy)
        {
            if (packet.VlanCount == 2)
            {
                return ParseOutcome.TooManyVlanTags;
            }
            if ((uint)(offset + VlanTagLength) > (uint)frame.Length)
            {
                return ParseOutcome.TruncatedVlan;
            }
            packet.TryPushVlan(BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(offset)));
            etherType = BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(offset + 2));
            offset += VlanTagLength;
        }

        packet.EtherType = etherType;
        return etherType switch
        {
            EtherTypes.Ipv4 => ParseIpv4(frame, offset, wireLength, ref packet),
            EtherTypes.Ipv6 => ParseIpv6(frame, offset, wireLength, ref packet),
            _ => ParseOutcome.NonIp,
        };
    }
}
