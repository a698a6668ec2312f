using System.Runtime.CompilerServices;

namespace NerfEngine.Shared.Messages.Records;

/// <summary>
/// The 7 reserved bytes that pad a <see cref="NodeAddress"/> to 32 bytes (<c>__u8 reserved[7]</c>
/// in bpf/nerf_records.h). Zero when written.
/// </summary>
[InlineArray(Length)]
public struct NodeAddressReserved
{
    /// <summary>Number of bytes.</summary>
    public const int Length = 7;

    private byte _element0;
}
