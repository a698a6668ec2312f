using System.Runtime.CompilerServices;

namespace NerfEngine.Shared.Messages.Records;

/// <summary>
/// The 16 raw address bytes of a <see cref="NodeAddress"/> (<c>__u8 address[16]</c> in
/// bpf/nerf_records.h), network byte order; IPv4 uses the first 4 and leaves the rest zero.
/// Index it or convert it to a <see cref="Span{T}"/>.
/// </summary>
[InlineArray(Length)]
public struct AddressBytes
{
    /// <summary>Number of bytes (IPv6 address length).</summary>
    public const int Length = 16;

    private byte _element0;
}
