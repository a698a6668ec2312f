using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using NerfEngine.Sensor.Capture.Native;

namespace NerfEngine.Sensor.Capture.AfPacket;

/// <summary>
/// One AF_PACKET TPACKET_V3 receive ring bound to one interface: the socket, its mmap'd blocks and its
/// accumulated kernel statistics. One reader thread walks the blocks (<see cref="ReadBlocks"/>);
/// statistics may be read from any thread. See the kernel's packet_mmap documentation.
/// </summary>
/// <remarks>
/// Setup order matters: the socket is created with protocol 0 so it sees nothing until bind; the
/// filter is attached and the ring mapped before bind, so no unfiltered or ring-less packet is queued;
/// fanout is joined last because the kernel only lets bound sockets join, and until then a fanout
/// member holds a drop-all filter, so it never takes a copy of a packet its group also delivers.
/// </remarks>
public sealed unsafe partial class AfPacketRing : IDisposable
{
    private readonly FileDescriptorHandle _socket;
    private readonly MemoryMapping _mapping;
    private readonly Lock _statisticsLock = new();

    /// <summary>Sum of every PACKET_STATISTICS read; guarded by <see cref="_statisticsLock"/>.</summary>
    private KernelPacketStatistics _kernelTotals;

    /// <summary>1 once disposed; makes <see cref="Dispose"/> idempotent.</summary>
    private int _disposed;

    private AfPacketRing(string interfaceName, int interfaceIndex, FileDescriptorHandle socket, MemoryMapping mapping, RingGeometry geometry, FanoutOptions? fanout)
    {
        InterfaceName = interfaceName;
        InterfaceIndex = interfaceIndex;
        _socket = socket;
        _mapping = mapping;
        Geometry = geometry;
        Fanout = fanout;
    }

    /// <summary>The interface the ring is bound to.</summary>
    public string InterfaceName { get; }

    /// <summary>Its ifindex at open time.</summary>
    public int InterfaceIndex { get; }

    /// <summary>The ring the kernel granted.</summary>
    public RingGeometry Geometry { get; }

    /// <summary>The fanout group joined, if any.</summary>
    public FanoutOptions? Fanout { get; }

    /// <summary>True once <see cref="Dispose"/> ran.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>
    /// Opens a ring on <paramref name="interfaceName"/>. Fails fast with a <see cref="CaptureException"/>:
    /// interface not found, not permitted (no CAP_NET_RAW), ring refused, invalid filter, fanout refused.
    /// </summary>
    public static AfPacketRing Open(string interfaceName, AfPacketRingOptions? options = null, CaptureFilter? filter = null,
        FanoutOptions? fanout = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        options ??= AfPacketRingOptions.Default;
        options.Validate(interfaceName);

        int interfaceIndex = (int)LibC.IfNameToIndex(interfaceName);
        if (interfaceIndex == 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno is Errno.ENODEV or Errno.ENXIO or 0 ? CaptureErrors.InterfaceNotFound(interfaceName) : CaptureErrors.FromErrno(errno, "if_nametoindex", interfaceName);
        }

        // Protocol 0: no packets are queued before bind, so none arrive unfiltered or outside the ring.
        int fd = LibC.Socket(LinuxSocket.AfPacket, LinuxSocket.SockRaw | LinuxSocket.SockCloexec, 0);
        if (fd < 0)
        {
            throw CaptureErrors.LastError("socket(AF_PACKET, SOCK_RAW)", interfaceName);
        }
        var socket = new FileDescriptorHandle(fd);
        MemoryMapping? mapping = null;
        try
        {
            SetIntOption(fd, PacketSocketOptions.Version, PacketSocketOptions.TPacketV3, "setsockopt(PACKET_VERSION, TPACKET_V3)", interfaceName);
            if (fanout is not null)
            {
                CaptureFilter.AttachDropAll(fd, interfaceName);
            }
            else
            {
                filter?.AttachTo(fd, interfaceName);
            }
            RingGeometry geometry = RingReservation.Reserve(options, interfaceName, request => TrySetRing(fd, request));
            if (geometry.IsReduced)
            {
                logger?.LogWarning("AF_PACKET ring on {Interface}: ring reduced to {Blocks} blocks (asked for {Requested}; the kernel had no memory for more)",
                    interfaceName, geometry.BlockCount, geometry.RequestedBlockCount);
            }

            mapping = MemoryMapping.MapShared(fd, (nuint)geometry.TotalBytes)
                ?? throw CaptureErrors.RingRefused(interfaceName, Marshal.GetLastPInvokeError(), $"mmap of {geometry.TotalBytes} bytes failed");
            Bind(fd, interfaceIndex, interfaceName);
            if (fanout is not null)
            {
                JoinFanout(fd, fanout, interfaceName);
                if (filter is not null)
                {
                    filter.AttachTo(fd, interfaceName);
                }
                else
                {
                    CaptureFilter.Detach(fd, interfaceName);
                }
            }
            logger?.LogInformation("AF_PACKET ring on {Interface} (ifindex {Index}): {Geometry}{Fanout}", interfaceName, interfaceIndex, geometry,
                fanout is null ? "" : $", fanout group {fanout.GroupId} {fanout.Mode.ToName()}");
            return new AfPacketRing(interfaceName, interfaceIndex, socket, mapping, geometry, fanout);
        }
        catch
        {
            mapping?.Dispose();
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads PACKET_STATISTICS (which resets the kernel's counters), adds it to the totals and returns
    /// the new totals. Thread-safe; after <see cref="Dispose"/> returns the final totals.
    /// </summary>
    public KernelPacketStatistics ReadKernelStatistics()
    {
        lock (_statisticsLock)
        {
            if (IsDisposed)
            {
                return _kernelTotals;
            }
            TPacketStatsV3 stats = default;
            uint length = (uint)sizeof(TPacketStatsV3);
            bool added = false;
            _socket.DangerousAddRef(ref added);
            try
            {
                if (LibC.GetSockOpt(_socket.Fd, LinuxSocket.SolPacket, PacketSocketOptions.Statistics, &stats, &length) != 0)
                {
                    throw CaptureErrors.LastError("getsockopt(PACKET_STATISTICS)", InterfaceName);
                }
            }
            finally
            {
                _socket.DangerousRelease();
            }
            _kernelTotals += new KernelPacketStatistics(stats.Packets, stats.Drops, stats.FreezeQueueCount);
            return _kernelTotals;
        }
    }

    /// <summary>The totals as of the last <see cref="ReadKernelStatistics"/>, without a system call.</summary>
    public KernelPacketStatistics KernelStatistics
    {
        get
        {
            lock (_statisticsLock)
            {
                return _kernelTotals;
            }
        }
    }

    /// <summary>
    /// Reads the last statistics, then unmaps the ring and closes the socket. Idempotent. The reader
    /// thread must have stopped: the mapping is gone afterwards.
    /// </summary>
    public void Dispose()
    {
        lock (_statisticsLock)
        {
            if (IsDisposed)
            {
                return;
            }
            try
            {
                ReadKernelStatistics();
            }
            catch (CaptureException)
            {
                // The final read is best effort: the totals so far stay.
            }
            Volatile.Write(ref _disposed, 1);
        }
        _mapping.Dispose();
        _socket.Dispose();
    }

    private static int TrySetRing(int fd, TPacketReq3 request) =>
        LibC.SetSockOpt(fd, LinuxSocket.SolPacket, PacketSocketOptions.RxRing, &request, (uint)sizeof(TPacketReq3)) == 0
            ? 0
            : Marshal.GetLastPInvokeError();

    private static void SetIntOption(int fd, int name, int value, string operation, string interfaceName)
    {
        if (LibC.SetSockOpt(fd, LinuxSocket.SolPacket, name, &value, sizeof(int)) != 0)
        {
            throw CaptureErrors.LastError(operation, interfaceName);
        }
    }

    private static void Bind(int fd, int interfaceIndex, string interfaceName)
    {
        var address = new SockAddrLl
        {
            Family = LinuxSocket.AfPacket,
            Protocol = BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(LinuxSocket.EthPAll) : LinuxSocket.EthPAll,
            InterfaceIndex = interfaceIndex,
        };
        if (LibC.Bind(fd, &address, (uint)sizeof(SockAddrLl)) != 0)
        {
            throw CaptureErrors.LastError("bind", interfaceName);
        }
    }

    private static void JoinFanout(int fd, FanoutOptions fanout, string interfaceName)
    {
        int value = fanout.SocketOptionValue;
        if (LibC.SetSockOpt(fd, LinuxSocket.SolPacket, PacketSocketOptions.Fanout, &value, sizeof(int)) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno is Errno.EPERM or Errno.EACCES
                ? CaptureErrors.FromErrno(errno, "setsockopt(PACKET_FANOUT)", interfaceName)
                : new CaptureException(CaptureFailure.FanoutRefused,
                    $"fanout group {fanout.GroupId} ({fanout.Mode.ToName()}) refused on '{interfaceName}': {CaptureErrors.Describe(errno)}; "
                    + "the id may be used by another capture with a different mode, or the mode is unsupported", errno);
        }
    }
}
