using System.Buffers.Binary;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Flows;

/// <summary>
/// The identity of one bidirectional flow: both endpoints (addresses inline, ports), protocol, IP
/// version, VLAN ids when the tracker is VLAN-aware, and for non-first IP fragments the fragment id.
/// Endpoints are stored in canonical order (side A is the smaller address, then port), so both
/// directions of a conversation produce the same key.
/// </summary>
/// <remarks>
/// Non-first fragments carry no ports, so (as <see cref="ParsedPacket.FragmentId"/> says) they are keyed
/// by (source, destination, protocol, fragment id) with ports 0 and <see cref="IsFragment"/> set.
/// The layout is 48 bytes without padding, so equality and hashing read it as six machine words.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public struct FlowKey : IEquatable<FlowKey>
{
    /// <summary>Bytes in a key; the hash and equality read it as six 8-byte words.</summary>
    public const int Size = 48;
    private const ulong HashMultiplier = 0x9E3779B97F4A7C15UL;

    private AddressBytes _addressA;
    private AddressBytes _addressB;
    private uint _fragmentId;
    private ushort _portA;
    private ushort _portB;
    private ushort _outerVlanId;
    private ushort _innerVlanId;
    private byte _protocol;
    private byte _ipVersion;
    private byte _isFragment;
    private byte _reserved;

    /// <summary>Port of side A (host order; 0 when the protocol has none).</summary>
    public readonly ushort PortA => _portA;

    /// <summary>Port of side B.</summary>
    public readonly ushort PortB => _portB;

    /// <summary>IANA protocol number.</summary>
    public readonly byte Protocol => _protocol;

    /// <summary>4 or 6.</summary>
    public readonly byte IpVersion => _ipVersion;

    /// <summary>Outer VLAN id; 0 when untagged or when the tracker ignores VLANs.</summary>
    public readonly ushort OuterVlanId => _outerVlanId;

    /// <summary>Inner (QinQ customer) VLAN id; 0 when fewer than two tags or VLANs are ignored.</summary>
    public readonly ushort InnerVlanId => _innerVlanId;

    /// <summary>True for the key of non-first fragments (no ports; keyed by fragment id).</summary>
    public readonly bool IsFragment => _isFragment != 0;

    /// <summary>IP identification (IPv4) or fragment identification (IPv6) of a fragment key; else 0.</summary>
    public readonly uint FragmentId => _fragmentId;

    /// <summary>Bytes per address: 4 or 16.</summary>
    public readonly int AddressLength => _ipVersion == 6 ? 16 : 4;

    /// <summary>Side A's address bytes, network order.</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<byte> AddressA => ((ReadOnlySpan<byte>)_addressA)[..AddressLength];

    /// <summary>Side B's address bytes, network order.</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<byte> AddressB => ((ReadOnlySpan<byte>)_addressB)[..AddressLength];

    /// <summary>
    /// The key of an IP packet; <paramref name="senderIsA"/> tells which side sent it. Only call for
    /// packets with <see cref="ParsedPacket.IpVersion"/> 4 or 6.
    /// </summary>
    public static FlowKey FromPacket(in ParsedPacket packet, bool vlanAware, out bool senderIsA)
    {
        Create(in packet, vlanAware, seed: 0, out FlowKey key, out _, out senderIsA);
        return key;
    }

    /// <summary>
    /// <see cref="FromPacket"/> and <see cref="GetHash"/> in one pass, writing the key where the caller keeps it.
    /// The six words are put together in registers, stored once and hashed from the registers: assembling the key
    /// field by field and then reading it back as words made the processor wait for each narrow store to land
    /// before the wide read could see it, on every packet.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Create(in ParsedPacket packet, bool vlanAware, ulong seed, out FlowKey key, out ulong hash, out bool senderIsA)
    {
        Debug.Assert(packet.IpVersion is 4 or 6 && packet.AddressLength is 4 or 16, "FlowKey needs an IP packet");
        uint fragmentId = 0;
        ushort sourcePort = 0;
        ushort destinationPort = 0;
        byte isFragment = 0;
        if (packet.IsFragment && packet.FragmentOffset != 0)
        {
            isFragment = 1;
            fragmentId = packet.FragmentId;
        }
        else
        {
            sourcePort = packet.SourcePort;
            destinationPort = packet.DestinationPort;
        }

        ushort outerVlan = vlanAware ? packet.OuterVlanId : (ushort)0;
        ushort innerVlan = vlanAware ? packet.InnerVlanId : (ushort)0;
        ref readonly AddressBytes source = ref packet.SourceAddressBytes;
        ref readonly AddressBytes destination = ref packet.DestinationAddressBytes;
        int order = CompareAddresses(in source, in destination);
        senderIsA = order < 0 || (order == 0 && sourcePort <= destinationPort);
        if (!BitConverter.IsLittleEndian)
        {
            key = default;
            key._protocol = packet.Protocol;
            key._ipVersion = packet.IpVersion;
            key._outerVlanId = outerVlan;
            key._innerVlanId = innerVlan;
            key._isFragment = isFragment;
            key._fragmentId = fragmentId;
            key._addressA = senderIsA ? source : destination;
            key._addressB = senderIsA ? destination : source;
            key._portA = senderIsA ? sourcePort : destinationPort;
            key._portB = senderIsA ? destinationPort : sourcePort;
            hash = key.GetHash(seed);
            return;
        }

        // Little-endian words of the layout: addresses A and B, then (fragment id, port A, port B), then
        // (outer VLAN, inner VLAN, protocol, IP version, fragment flag, reserved 0).
        ulong a0 = NativeWord(in source, 0), a1 = NativeWord(in source, 1);
        ulong b0 = NativeWord(in destination, 0), b1 = NativeWord(in destination, 1);
        ushort portA = sourcePort, portB = destinationPort;
        if (!senderIsA)
        {
            (a0, a1, b0, b1) = (b0, b1, a0, a1);
            (portA, portB) = (portB, portA);
        }

        ulong w4 = fragmentId | ((ulong)portA << 32) | ((ulong)portB << 48);
        ulong w5 = outerVlan | ((ulong)innerVlan << 16) | ((ulong)packet.Protocol << 32) | ((ulong)packet.IpVersion << 40) | ((ulong)isFragment << 48);
        Unsafe.SkipInit(out key);
        ref ulong words = ref Words(in key);
        words = a0;
        Unsafe.Add(ref words, 1) = a1;
        Unsafe.Add(ref words, 2) = b0;
        Unsafe.Add(ref words, 3) = b1;
        Unsafe.Add(ref words, 4) = w4;
        Unsafe.Add(ref words, 5) = w5;
        hash = HashWords(seed, a0, a1, b0, b1, w4, w5);
    }

    /// <summary>
    /// Orders two addresses as unsigned big-endian numbers of all sixteen stored bytes: for IPv6 that is the address
    /// order, and an IPv4 address (four bytes, then zeros) orders as its four bytes would. Whole words, no calls.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CompareAddresses(in AddressBytes left, in AddressBytes right)
    {
        int high = BigEndianWord(in left, 0).CompareTo(BigEndianWord(in right, 0));
        return high != 0 ? high : BigEndianWord(in left, 1).CompareTo(BigEndianWord(in right, 1));
    }

    /// <summary>Word <paramref name="index"/> (0 or 1) of an address as a big-endian number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong BigEndianWord(in AddressBytes address, int index)
    {
        ulong word = NativeWord(in address, index);
        return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(word) : word;
    }

    /// <summary>Word <paramref name="index"/> (0 or 1) of an address in the host's byte order, as memory holds it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong NativeWord(in AddressBytes address, int index) =>
        Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref Unsafe.As<AddressBytes, byte>(ref Unsafe.AsRef(in address)), index * sizeof(ulong)));

    /// <summary>The same key with the fragment id cleared: all non-first fragments of one address pair.</summary>
    public readonly FlowKey WithoutFragmentId()
    {
        FlowKey copy = this;
        copy._fragmentId = 0;
        return copy;
    }

    /// <summary>Allocates an <see cref="IPAddress"/>: for reports, never for the packet path.</summary>
    public readonly IPAddress GetAddress(bool sideA) => new(sideA ? AddressA : AddressB);

    /// <summary>
    /// A seeded 64-bit hash of the six words (multiply-xorshift per word): cheap, and the seed keeps
    /// crafted traffic from aiming at one probe chain. Unrolled: it runs once per packet.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ulong GetHash(ulong seed)
    {
        ref ulong words = ref Words(in this);
        return HashWords(seed, words, Unsafe.Add(ref words, 1), Unsafe.Add(ref words, 2), Unsafe.Add(ref words, 3), Unsafe.Add(ref words, 4), Unsafe.Add(ref words, 5));
    }

    /// <summary>The hash of six key words (see <see cref="GetHash"/>), for callers that hold them in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong HashWords(ulong seed, ulong w0, ulong w1, ulong w2, ulong w3, ulong w4, ulong w5)
    {
        ulong hash = Mix(seed, w0);
        hash = Mix(hash, w1);
        hash = Mix(hash, w2);
        hash = Mix(hash, w3);
        hash = Mix(hash, w4);
        return Mix(hash, w5);

        // Inlined explicitly: precompiled (ReadyToRun) code left this local function a call per word.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static ulong Mix(ulong hash, ulong word)
        {
            hash = (hash ^ word) * HashMultiplier;
            return hash ^ (hash >> 29);
        }
    }

    /// <summary>Bytewise equality as two vector compares (32 + 16 bytes): it runs on every flow-table probe.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Equals(FlowKey other)
    {
        ref byte left = ref Unsafe.As<ulong, byte>(ref Words(in this));
        ref byte right = ref Unsafe.As<ulong, byte>(ref Words(in other));
        return Vector256.LoadUnsafe(ref left) == Vector256.LoadUnsafe(ref right)
            && Vector128.LoadUnsafe(ref left, 32) == Vector128.LoadUnsafe(ref right, 32);
    }

    /// <summary>The key as six machine words (the layout has no padding: <see cref="Size"/> is 48).</summary>
    private static ref ulong Words(in FlowKey key) => ref Unsafe.As<FlowKey, ulong>(ref Unsafe.AsRef(in key));

    /// <inheritdoc />
    public override readonly bool Equals(object? obj) => obj is FlowKey other && Equals(other);

    /// <inheritdoc />
    public override readonly int GetHashCode() => (int)GetHash(0);

    /// <summary>Bytewise equality.</summary>
    public static bool operator ==(FlowKey left, FlowKey right) => left.Equals(right);

    /// <summary>Bytewise inequality.</summary>
    public static bool operator !=(FlowKey left, FlowKey right) => !left.Equals(right);

    /// <summary>"A:port &lt;-&gt; B:port proto" for logs and test messages.</summary>
    public override readonly string ToString() =>
        $"{GetAddress(true)}:{PortA} <-> {GetAddress(false)}:{PortB} proto {Protocol}" +
        (OuterVlanId != 0 ? $" vlan {OuterVlanId}/{InnerVlanId}" : "") +
        (IsFragment ? $" fragment 0x{FragmentId:x}" : "");
}
