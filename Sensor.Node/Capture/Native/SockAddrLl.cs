using System.Runtime.InteropServices;

namespace NerfEngine.Sensor.Capture.Native;

/// <summary>Mirrors <c>struct sockaddr_ll</c> (linux/if_packet.h): the address a packet socket binds to.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SockAddrLl
{
    /// <summary>sll_family: AF_PACKET.</summary>
    public ushort Family;

    /// <summary>sll_protocol: an ETH_P_* value in network byte order.</summary>
    public ushort Protocol;

    /// <summary>sll_ifindex.</summary>
    public int InterfaceIndex;

    /// <summary>sll_hatype.</summary>
    public ushort HardwareType;

    /// <summary>sll_pkttype.</summary>
    public byte PacketType;

    /// <summary>sll_halen.</summary>
    public byte AddressLength;

    /// <summary>sll_addr[8].</summary>
    public fixed byte Address[8];
}
