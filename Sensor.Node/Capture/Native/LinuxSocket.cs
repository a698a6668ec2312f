namespace NerfEngine.Sensor.Capture.Native;

/// <summary>
/// Socket-level constants from <c>bits/socket.h</c>, <c>asm-generic/socket.h</c>, <c>linux/if_ether.h</c>,
/// <c>sys/mman.h</c> and <c>poll.h</c> (x86-64 and arm64 share these values).
/// </summary>
internal static class LinuxSocket
{
    /// <summary>AF_PACKET / PF_PACKET.</summary>
    public const int AfPacket = 17;

    /// <summary>SOCK_RAW: frames keep their link-layer header.</summary>
    public const int SockRaw = 3;

    /// <summary>SOCK_CLOEXEC: the descriptor is not inherited by child processes (tcpdump, tcpreplay in tests).</summary>
    public const int SockCloexec = 0x80000;

    /// <summary>ETH_P_ALL (linux/if_ether.h): every protocol; passed to bind in network order.</summary>
    public const ushort EthPAll = 0x0003;

    /// <summary>SOL_SOCKET.</summary>
    public const int SolSocket = 1;

    /// <summary>SO_ERROR: reads and clears the pending socket error.</summary>
    public const int SoError = 4;

    /// <summary>SO_ATTACH_FILTER: attach a classic BPF program (struct sock_fprog).</summary>
    public const int SoAttachFilter = 26;

    /// <summary>SO_DETACH_FILTER: remove the attached program.</summary>
    public const int SoDetachFilter = 27;

    /// <summary>SOL_PACKET.</summary>
    public const int SolPacket = 263;

    /// <summary>PROT_READ | PROT_WRITE: the reader writes block_status back.</summary>
    public const int ProtReadWrite = 0x1 | 0x2;

    /// <summary>MAP_SHARED: the ring is shared with the kernel.</summary>
    public const int MapShared = 0x01;

    /// <summary>POLLIN.</summary>
    public const short PollIn = 0x001;

    /// <summary>POLLERR: a socket error is pending (read it with SO_ERROR).</summary>
    public const short PollErr = 0x008;

    /// <summary>POLLHUP.</summary>
    public const short PollHup = 0x010;

    /// <summary>POLLNVAL: the descriptor is not open.</summary>
    public const short PollNval = 0x020;
}
