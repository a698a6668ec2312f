using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NerfEngine.Sensor.Parsing;

public static partial class PacketParser
{
    private const int Ipv4MinimumHeaderLength = 20;
    private const int MaximumDatagramLength = ushort.MaxValue;

    /// <summary>
    /// IPv4 (RFC 791): validates version, IHL and total length, skips options, and stops at non-first
    /// fragments, which carry no transport header.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ParseOutcome ParseIpv4(ReadOnlySpan<byte> frame, int offset, int wireLength, ref ParsedPacket packet)
    {
        ReadOnlySpan<byte> ip = frame.Slice(offset);
        if (ip.Length < Ipv4MinimumHeaderLength)
        {
            return ParseOutcome.TruncatedIpv4;
        }

        int versionAndIhl = ip[0];
        int headerLength = (versionAndIhl & 0x0F) << 2;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(2));
        int wireAvailable = wireLength - offset;
        if ((versionAndIhl >> 4) != 4 || headerLength < Ipv4MinimumHeaderLength)
        {
            return ParseOutcome.BadIpv4Header;
        }
        if (totalLength == 0 && wireAvailable > MaximumDatagramLength)
        {
            // Linux BIG TCP hands taps super-packets over 64 KiB with tot_len 0; the frame length is the truth.
            totalLength = wireAvailable;
        }
        if (totalLength < headerLength || totalLength > wireAvailable)
        {
            return ParseOutcome.BadIpv4Header;
        }
        if ((uint)headerLength > (uint)ip.Length)
        {
            return ParseOutcome.TruncatedIpv4;
        }

        int capturedLength = Math.Min(totalLength, ip.Length);
        packet.IpVersion = 4;
        packet.NetworkOffset = (ushort)offset;
        packet.HopLimit = ip[8];
        packet.Protocol = ip[9];
        packet.SetIpv4Addresses(MemoryMarshal.Read<uint>(ip.Slice(12)), MemoryMarshal.Read<uint>(ip.Slice(16)));
        packet.IpTotalLength = totalLength;
        packet.IpCapturedLength = capturedLength;
        packet.FragmentId = BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(4));

        int flagsAndOffset = BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(6));
        int fragmentOffset = (flagsAndOffset & 0x1FFF) << 3;
        bool moreFragments = (flagsAndOffset & 0x2000) != 0;
        int payloadLength = totalLength - headerLength;
        if (moreFragments || fragmentOffset != 0)
        {
            packet.IsFragment = true;
            packet.MoreFragments = moreFragments;
            packet.FragmentOffset = (ushort)fragmentOffset;
            if (fragmentOffset + payloadLength > MaximumDatagramLength)
            {
                return ParseOutcome.BadFragment;
            }
            if (fragmentOffset != 0)
            {
                return ParseOutcome.Ipv4;
            }
        }

        return ParseTransport(frame, offset + headerLength, offset + capturedLength, payloadLength, ParseOutcome.Ipv4, ref packet);
    }
}
