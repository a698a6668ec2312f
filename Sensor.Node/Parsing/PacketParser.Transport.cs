using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace NerfEngine.Sensor.Parsing;

public static partial class PacketParser
{
    private const int TcpMinimumHeaderLength = 20;
    private const int UdpHeaderLength = 8;
    private const int IcmpHeaderLength = 8;

    /// <summary>
    /// Reads the transport header of an unfragmented packet or a first fragment.
    /// </summary>
    /// <param name="transportOffset">Where the transport header starts in the frame.</param>
    /// <param name="capturedEnd">Frame offset where the captured IP packet ends (excludes Ethernet padding).</param>
    /// <param name="declaredLength">Transport bytes the IP header declares (for a first fragment: this fragment's).</param>
    /// <param name="success">The outcome to return when the transport header is sound.</param>
    /// <remarks>
    /// Only the fixed part of the TCP header has to be captured: ports and flags live there, and
    /// demanding the options too would turn snap-length captures into errors for nothing.
    /// A first fragment too short for its transport header is the RFC 1858 tiny-fragment evasion,
    /// so it is <see cref="ParseOutcome.BadFragment"/> rather than a header error.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ParseOutcome ParseTransport(ReadOnlySpan<byte> frame, int transportOffset, int capturedEnd, int declaredLength, ParseOutcome success, ref ParsedPacket packet)
    {
        ReadOnlySpan<byte> segment = frame.Slice(transportOffset, capturedEnd - transportOffset);
        switch (packet.Protocol)
        {
            case IpProtocols.Tcp:
            {
                if (declaredLength < TcpMinimumHeaderLength)
                {
                    return packet.IsFragment ? ParseOutcome.BadFragment : ParseOutcome.BadTcpHeader;
                }
                if (segment.Length < TcpMinimumHeaderLength)
                {
                    return ParseOutcome.TruncatedTcp;
                }
                int dataOffset = (segment[12] >> 4) << 2;
                if (dataOffset < TcpMinimumHeaderLength)
                {
                    return ParseOutcome.BadTcpHeader;
                }
                if (dataOffset > declaredLength)
                {
                    return packet.IsFragment ? ParseOutcome.BadFragment : ParseOutcome.BadTcpHeader;
                }
                packet.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(segment);
                packet.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(2));
                packet.TcpFlags = (TcpFlags)(((segment[12] & 0x01) << 8) | segment[13]);
                break;
            }
            case IpProtocols.Udp:
            {
                if (declaredLength < UdpHeaderLength)
                {
                    return packet.IsFragment ? ParseOutcome.BadFragment : ParseOutcome.BadUdpHeader;
                }
                if (segment.Length < UdpHeaderLength)
                {
                    return ParseOutcome.TruncatedUdp;
                }
                int udpLength = BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(4));
                // A first fragment's UDP length covers the whole datagram, so only the lower bound applies.
                if (udpLength < UdpHeaderLength || (!packet.IsFragment && udpLength > declaredLength))
                {
                    return ParseOutcome.BadUdpHeader;
                }
                packet.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(segment);
                packet.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(2));
                break;
            }
            case IpProtocols.Icmp:
            case IpProtocols.Icmpv6:
            {
                ParseOutcome truncated = packet.Protocol == IpProtocols.Icmp ? ParseOutcome.TruncatedIcmp : ParseOutcome.TruncatedIcmpv6;
                if (declaredLength < IcmpHeaderLength)
                {
                    return packet.IsFragment ? ParseOutcome.BadFragment : truncated;
                }
                if (segment.Length < IcmpHeaderLength)
                {
                    return truncated;
                }
                packet.IcmpType = segment[0];
                packet.IcmpCode = segment[1];
                break;
            }
            default:
                return success;
        }

        packet.TransportOffset = (ushort)transportOffset;
        packet.HasTransportHeader = true;
        return success;
    }
}
