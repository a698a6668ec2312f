using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace NerfEngine.Sensor.Parsing;

public static partial class PacketParser
{
    private const int Ipv6HeaderLength = 40;
    private const int Ipv6ExtensionMinimumLength = 8;

    /// <summary>
    /// More extension headers than any legitimate chain uses (RFC 8200 §4.1 order has at most seven);
    /// bounds the walk on crafted chains.
    /// </summary>
    private const int MaximumExtensionHeaders = 8;

    /// <summary>
    /// IPv6 (RFC 8200): fixed header, then the extension chain (hop-by-hop only first, routing,
    /// destination options, fragment, AH, mobility, HIP, shim6) to the upper-layer header. ESP and
    /// no-next-header end the walk: nothing after them is readable.
    /// </summary>
    [MethodImpl(HotPath.Optimize)]
    private static ParseOutcome ParseIpv6(ReadOnlySpan<byte> frame, int offset, int wireLength, ref ParsedPacket packet)
    {
        ReadOnlySpan<byte> ip = frame.Slice(offset);
        if (ip.Length < Ipv6HeaderLength)
        {
            return ParseOutcome.TruncatedIpv6;
        }
        if ((ip[0] >> 4) != 6)
        {
            return ParseOutcome.BadIpv6Header;
        }

        int wireAvailable = wireLength - offset;
        int totalLength = Ipv6HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(4));
        if (totalLength == Ipv6HeaderLength && wireAvailable > Ipv6HeaderLength + MaximumDatagramLength)
        {
            // Jumbograms and Linux BIG TCP carry payload length 0; the frame length is the truth.
            totalLength = wireAvailable;
        }
        if (totalLength > wireAvailable)
        {
            return ParseOutcome.BadIpv6Header;
        }

        int capturedEnd = Math.Min(totalLength, ip.Length);
        packet.IpVersion = 6;
        packet.NetworkOffset = (ushort)offset;
        packet.HopLimit = ip[7];
        packet.SetAddresses(ip.Slice(8, 16), ip.Slice(24, 16));
        packet.IpTotalLength = totalLength;
        packet.IpCapturedLength = capturedEnd;

        int next = ip[6];
        int position = Ipv6HeaderLength;
        bool sawFragmentHeader = false;
        for (int headers = 0; IsExtensionHeader(next); headers++)
        {
            if (headers == MaximumExtensionHeaders || (next == IpProtocols.HopByHop && position != Ipv6HeaderLength))
            {
                return ParseOutcome.BadIpv6ExtensionChain;
            }
            if ((uint)(position + Ipv6ExtensionMinimumLength) > (uint)totalLength)
            {
                return ParseOutcome.BadIpv6ExtensionChain;
            }
            if ((uint)(position + Ipv6ExtensionMinimumLength) > (uint)capturedEnd)
            {
                return ParseOutcome.TruncatedIpv6;
            }

            int nextHeader = ip[position];
            int length;
            if (next == IpProtocols.Fragment)
            {
                if (sawFragmentHeader)
                {
                    return ParseOutcome.BadIpv6ExtensionChain;
                }
                sawFragmentHeader = true;
                length = Ipv6ExtensionMinimumLength;
                int offsetAndFlags = BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(position + 2));
                int fragmentOffset = offsetAndFlags & 0xFFF8;
                bool moreFragments = (offsetAndFlags & 1) != 0;
                if (fragmentOffset != 0 || moreFragments)
                {
                    packet.IsFragment = true;
                    packet.MoreFragments = moreFragments;
                    packet.FragmentOffset = (ushort)fragmentOffset;
                    packet.FragmentId = BinaryPrimitives.ReadUInt32BigEndian(ip.Slice(position + 4));
                    if (fragmentOffset + (totalLength - position - length) > MaximumDatagramLength)
                    {
                        return ParseOutcome.BadFragment;
                    }
                    if (fragmentOffset != 0)
                    {
                        // A non-first fragment: its payload continues some earlier header, never starts one.
                        packet.Protocol = (byte)nextHeader;
                        return ParseOutcome.Ipv6;
                    }
                }
            }
            else
            {
                // AH counts its length in 4-octet units minus 2 (RFC 4302); the others in 8-octet units minus 1.
                length = next == IpProtocols.AuthenticationHeader
                    ? (ip[position + 1] + 2) << 2
                    : (ip[position + 1] + 1) << 3;
                if ((uint)(position + length) > (uint)totalLength)
                {
                    return ParseOutcome.BadIpv6ExtensionChain;
                }
                if ((uint)(position + length) > (uint)capturedEnd)
                {
                    return ParseOutcome.TruncatedIpv6;
                }
            }

            position += length;
            next = nextHeader;
        }

        packet.Protocol = (byte)next;
        if (next is IpProtocols.Esp or IpProtocols.NoNextHeader)
        {
            return ParseOutcome.Ipv6;
        }
        return ParseTransport(frame, offset + position, offset + capturedEnd, totalLength - position, ParseOutcome.Ipv6, ref packet);
    }

    private static bool IsExtensionHeader(int nextHeader) => nextHeader is
        IpProtocols.HopByHop or IpProtocols.Routing or IpProtocols.Fragment or IpProtocols.DestinationOptions
        or IpProtocols.AuthenticationHeader or IpProtocols.Mobility or IpProtocols.HostIdentity or IpProtocols.Shim6;
}
