using System.Runtime.InteropServices;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// Key of the XDP program's <c>flows</c> LRU hash: mirrors <c>struct nerf_flow_key</c> in bpf/xdp_edges.h
/// (48 bytes; the layout test compiles the header and compares). Canonical: side A holds the lower address.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct XdpFlowKey
{
    /// <summary>Bytes in the C struct.</summary>
    public const int Size = 48;

    /// <summary>Offset 0. Side A's address, network order; IPv4 in the first 4 bytes.</summary>
    public AddressBytes AddrA;

    /// <summary>Offset 16. Side B's address.</summary>
    public AddressBytes AddrB;

    /// <summary>Offset 32. IP id / IPv6 fragment id of a later-fragment key, else 0.</summary>
    public uint FragmentId;

    /// <summary>Offset 36. Side A's port, host order.</summary>
    public ushort PortA;

    /// <summary>Offset 38. Side B's port.</summary>
    public ushort PortB;

    /// <summary>Offset 40. Outer VLAN id (0 untagged).</summary>
    public ushort OuterVlan;

    /// <summary>Offset 42. Inner (QinQ) VLAN id.</summary>
    public ushort InnerVlan;

    /// <summary>Offset 44. IANA protocol number.</summary>
    public byte Protocol;

    /// <summary>Offset 45. 4 or 6.</summary>
    public byte IpVersion;

    /// <summary>Offset 46. 1 for the key of later fragments (no ports).</summary>
    public byte IsFragment;

    /// <summary>Offset 47. Zero.</summary>
    public byte Reserved;

    /// <summary>Address length in bytes: 4 or 16.</summary>
    public readonly int AddressLength => IpVersion == 6 ? 16 : 4;
}
