using System.Buffers.Binary;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Shared.Messages.Codecs;

/// <summary>Wire layout of <c>struct nerf_node_address</c>; offsets as commented in bpf/nerf_records.h.</summary>
internal readonly struct NodeAddressLayout : IRecordLayout<NodeAddress>
{
    public static int Size => NodeAddress.Size;

    public static string CName => "nerf_node_address";

    public static void Write(in NodeAddress address, Span<byte> d)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(d[0..], address.NodeId);
        ((ReadOnlySpan<byte>)address.Address).CopyTo(d[8..24]);
        d[24] = address.IpVersion;
        ((ReadOnlySpan<byte>)address.Reserved).CopyTo(d[25..32]);
    }

    public static NodeAddress Read(ReadOnlySpan<byte> s)
    {
        var address = new NodeAddress
        {
            NodeId = BinaryPrimitives.ReadUInt64LittleEndian(s[0..]),
            IpVersion = s[24],
        };
        s[8..24].CopyTo(address.Address);
        s[25..32].CopyTo(address.Reserved);
        return address;
    }
}
