using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Runtime.CompilerServices;

namespace NerfEngine.Sensor.Parsing;

/// <summary>
/// The header fields of one frame, copied out of the frame so the frame's memory can go back to the
/// kernel. Timestamp-independent: the capture source pairs it with its own timestamp.
/// Fields past the point where parsing stopped keep their default values.
/// </summary>
/// <remarks>
/// Lengths: <see cref="IpTotalLength"/> is what the IP header declares (header plus payload, IPv6's
/// fixed 40 bytes included), i.e. the bytes the packet occupied on the wire. It is validated against
/// the frame's original length, not the captured length, so a snap-length capture still reports the
/// true size (flow byte counts need that); <see cref="IpCapturedLength"/> is the part actually present
/// and <see cref="IsTruncatedBySnapLength"/> tells the two apart. Ethernet padding is never counted.
/// </remarks>
public struct ParsedPacket
{
    private AddressBytes _source;
    private AddressBytes _destination;

    /// <summary>Bytes the frame had on the wire (AF_PACKET tp_len, pcap orig_len).</summary>
    public int FrameLength { get; internal set; }

    /// <summary>Bytes of the frame that were captured (at most <see cref="FrameLength"/>).</summary>
    public int CapturedLength { get; internal set; }

    /// <summary>Number of VLAN tags seen, in band or out of band (0, 1 or 2).</summary>
    public byte VlanCount { get; internal set; }

    /// <summary>VLAN id (12 bits) of the outer tag: the service tag in QinQ, the only tag otherwise.</summary>
    public ushort OuterVlanId { get; internal set; }

    /// <summary>VLAN id of the inner (customer) tag of QinQ; 0 when fewer than two tags.</summary>
    public ushort InnerVlanId { get; internal set; }

    /// <summary>EtherType of the network layer after any VLAN tags (0 for raw-IP link types).</summary>
    public ushort EtherType { get; internal set; }

    /// <summary>4 or 6 for IP packets, 0 otherwise.</summary>
    public byte IpVersion { get; internal set; }

    /// <summary>Length of <see cref="SourceAddress"/>/<see cref="DestinationAddress"/>: 4, 16, or 0 for non-IP.</summary>
    public byte AddressLength { get; internal set; }

    /// <summary>IPv4 TTL or IPv6 hop limit.</summary>
    public byte HopLimit { get; internal set; }

    /// <summary>
    /// Transport protocol: IPv4 protocol, or for IPv6 the next header after the extension chain
    /// (50 for ESP, 59 for no-next-header, the fragmented protocol for non-first fragments).
    /// </summary>
    public byte Protocol { get; internal set; }

    /// <summary>IP header plus payload as declared by the IP header (see remarks on the type).</summary>
    public int IpTotalLength { get; internal set; }

    /// <summary>The part of <see cref="IpTotalLength"/> that was captured.</summary>
    public int IpCapturedLength { get; internal set; }

    /// <summary>Offset of the IP header in the frame.</summary>
    public ushort NetworkOffset { get; internal set; }

    /// <summary>Offset of the transport header in the frame; 0 when there is none.</summary>
    public ushort TransportOffset { get; internal set; }

    /// <summary>True when TCP or UDP ports (or ICMP type/code) were read.</summary>
    public bool HasTransportHeader { get; internal set; }

    public ushort SourcePort { get; internal set; }
    public ushort DestinationPort { get; internal set; }
    public TcpFlags TcpFlags { get; internal set; }
    public byte IcmpType { get; internal set; }
    public byte IcmpCode { get; internal set; }

    /// <summary>True for any fragment but not for atomic fragments (offset 0, no more fragments).</summary>
    public bool IsFragment { get; internal set; }

    /// <summary>The MF flag (IPv4) or M flag (IPv6 fragment header).</summary>
    public bool MoreFragments { get; internal set; }

    /// <summary>Fragment offset in bytes.</summary>
    public ushort FragmentOffset { get; internal set; }

    /// <summary>
    /// IPv4 identification (of every IPv4 packet) or IPv6 fragment identification (of IPv6 fragments
    /// only: other IPv6 packets have none). Non-first fragments carry no ports, so a
    /// flow tracker keys them by (source, destination, <see cref="Protocol"/>, this id).
    /// </summary>
    public uint FragmentId { get; internal set; }

    /// <summary>A fragment at offset 0: it carries the transport header and ports.</summary>
    public readonly bool IsFirstFragment => IsFragment && FragmentOffset == 0;

    /// <summary>The snap length cut the IP packet short (headers parsed, payload partly missing).</summary>
    public readonly bool IsTruncatedBySnapLength => IpCapturedLength < IpTotalLength;

    /// <summary>Source address bytes in network order (4 or 16 bytes).</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<byte> SourceAddress => ((ReadOnlySpan<byte>)_source)[..AddressLength];

    /// <summary>Destination address bytes in network order (4 or 16 bytes).</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<byte> DestinationAddress => ((ReadOnlySpan<byte>)_destination)[..AddressLength];

    /// <summary>
    /// The source address as all sixteen stored bytes: an IPv4 address is the first four, then zeros (parsing starts
    /// from a default packet). For the flow key, which copies and orders addresses as whole words.
    /// </summary>
    [UnscopedRef]
    internal readonly ref readonly AddressBytes SourceAddressBytes => ref _source;

    /// <summary>The destination address as all sixteen stored bytes (see <see cref="SourceAddressBytes"/>).</summary>
    [UnscopedRef]
    internal readonly ref readonly AddressBytes DestinationAddressBytes => ref _destination;

    /// <summary>Allocates an <see cref="IPAddress"/>: for logs and tests, not for the packet path.</summary>
    public readonly IPAddress? GetSourceIPAddress() => AddressLength == 0 ? null : new IPAddress(SourceAddress);

    /// <summary>Allocates an <see cref="IPAddress"/>: for logs and tests, not for the packet path.</summary>
    public readonly IPAddress? GetDestinationIPAddress() => AddressLength == 0 ? null : new IPAddress(DestinationAddress);

    /// <summary>
    /// IPv4 addresses, each given as its four bytes in memory order, stored as two whole words per address
    /// (the address, then zeros): flow keying reads the addresses back as 8-byte words right after parsing,
    /// and a word the processor can take from one earlier store costs nothing, while a word pieced together
    /// from a 4-byte copy and the zeroing before it waits until both stores have reached the cache (on a
    /// two-thread replay behind stores to records the other core holds: ≈4% of its CPU).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SetIpv4Addresses(uint source, uint destination)
    {
        // Memory order of the four bytes, then four zeros, whatever the host's byte order.
        static ulong Word(uint address) => BitConverter.IsLittleEndian ? address : (ulong)address << 32;
        ref ulong sourceWords = ref Unsafe.As<AddressBytes, ulong>(ref _source);
        ref ulong destinationWords = ref Unsafe.As<AddressBytes, ulong>(ref _destination);
        sourceWords = Word(source);
        Unsafe.Add(ref sourceWords, 1) = 0;
        destinationWords = Word(destination);
        Unsafe.Add(ref destinationWords, 1) = 0;
        AddressLength = 4;
    }

    /// <summary>Addresses of any length up to sixteen bytes (IPv6: sixteen), copied as given.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SetAddresses(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination)
    {
        source.CopyTo(_source);
        destination.CopyTo(_destination);
        AddressLength = (byte)source.Length;
    }

    /// <summary>Records a tag outermost first; returns false when a third tag arrives.</summary>
    internal bool TryPushVlan(ushort tci)
    {
        ushort id = (ushort)(tci & 0x0FFF);
        switch (VlanCount)
        {
            case 0: OuterVlanId = id; break;
            case 1: InnerVlanId = id; break;
            default: return false;
        }
        VlanCount++;
        return true;
    }
}
