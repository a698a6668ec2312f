using System.Runtime.InteropServices;

namespace NerfEngine.Sensor.Capture.Native;

/// <summary>
/// A capture filter in tcpdump syntax (pcap-filter(7)), compiled by libpcap to classic BPF and attached
/// to a socket with SO_ATTACH_FILTER, so the kernel drops non-matching packets before the ring.
/// </summary>
/// <remarks>
/// Compiled against a "dead" Ethernet handle (pcap_open_dead), so the code checks VLAN tags in the packet
/// bytes; tags the driver moved out of band (TP_STATUS_VLAN_VALID) are not seen by <c>vlan</c> primitives.
/// Filtered packets are never counted by the kernel, neither as received nor as dropped.
/// </remarks>
public sealed class CaptureFilter
{
    /// <summary>libpcap's default snap length (MAXIMUM_SNAPLEN), used when compiling.</summary>
    public const int DefaultSnapLength = 262144;

    private readonly SockFilter[] _instructions;

    private CaptureFilter(string expression, SockFilter[] instructions)
    {
        Expression = expression;
        _instructions = instructions;
    }

    /// <summary>The tcpdump expression as given.</summary>
    public string Expression { get; }

    /// <summary>The compiled classic BPF program.</summary>
    public ReadOnlySpan<SockFilter> Instructions => _instructions;

    /// <summary>
    /// Compiles <paramref name="expression"/> with optimisation on. Throws <see cref="CaptureException"/>
    /// (<see cref="CaptureFailure.InvalidFilter"/>) with libpcap's own message when it does not compile,
    /// or <see cref="CaptureFailure.LibraryMissing"/> when libpcap is not installed.
    /// </summary>
    public static unsafe CaptureFilter Compile(string expression, int snapLength = DefaultSnapLength)
    {
        ArgumentNullException.ThrowIfNull(expression);
        nint pcap;
        try
        {
            pcap = LibPcap.OpenDead(LibPcap.DltEthernet, snapLength);
        }
        catch (DllNotFoundException ex)
        {
            throw new CaptureException(CaptureFailure.LibraryMissing,
                $"capture filters need libpcap ({LibPcap.Library}); install it with: apt-get install libpcap0.8", inner: ex);
        }
        if (pcap == 0)
        {
            throw new CaptureException(CaptureFailure.InvalidFilter, "pcap_open_dead failed: cannot compile capture filters");
        }

        try
        {
            BpfProgram program = default;
            if (LibPcap.Compile(pcap, &program, expression, optimize: 1, LibPcap.NetmaskUnknown) != 0)
            {
                string reason = Marshal.PtrToStringUTF8(LibPcap.GetError(pcap)) ?? "unknown error";
                throw new CaptureException(CaptureFailure.InvalidFilter, $"invalid capture filter '{expression}': {reason}");
            }
            try
            {
                return new CaptureFilter(expression, new ReadOnlySpan<SockFilter>(program.Instructions, checked((int)program.Length)).ToArray());
            }
            finally
            {
                LibPcap.FreeCode(&program);
            }
        }
        finally
        {
            LibPcap.Close(pcap);
        }
    }

    /// <summary>Attaches the program to <paramref name="fd"/>; the kernel copies it, so nothing stays pinned.</summary>
    internal unsafe void AttachTo(int fd, string interfaceName)
    {
        if (_instructions.Length > ushort.MaxValue)
        {
            throw new CaptureException(CaptureFailure.InvalidFilter, $"capture filter '{Expression}' compiles to {_instructions.Length} instructions; the kernel takes at most {ushort.MaxValue}");
        }
        fixed (SockFilter* instructions = _instructions)
        {
            var program = new SockFprog { Length = (ushort)_instructions.Length, Filter = instructions };
            if (LibC.SetSockOpt(fd, LinuxSocket.SolSocket, LinuxSocket.SoAttachFilter, &program, (uint)sizeof(SockFprog)) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw errno == Errno.EINVAL
                    ? new CaptureException(CaptureFailure.InvalidFilter, $"the kernel rejected capture filter '{Expression}' ({CaptureErrors.Describe(errno)})", errno)
                    : CaptureErrors.FromErrno(errno, "setsockopt(SO_ATTACH_FILTER)", interfaceName);
            }
        }
    }

    /// <summary>
    /// Attaches a one-instruction program that drops everything: a fanout member holds it from bind until
    /// it has joined its group, so it never receives a packet the group also delivers.
    /// </summary>
    internal static unsafe void AttachDropAll(int fd, string interfaceName)
    {
        const ushort bpfRetConstant = 0x06; // BPF_RET | BPF_K, k = 0: accept 0 bytes
        SockFilter dropAll = new(bpfRetConstant, 0, 0, 0);
        var program = new SockFprog { Length = 1, Filter = &dropAll };
        if (LibC.SetSockOpt(fd, LinuxSocket.SolSocket, LinuxSocket.SoAttachFilter, &program, (uint)sizeof(SockFprog)) != 0)
        {
            throw CaptureErrors.LastError("setsockopt(SO_ATTACH_FILTER)", interfaceName);
        }
    }

    /// <summary>Removes whatever program is attached (SO_DETACH_FILTER).</summary>
    internal static unsafe void Detach(int fd, string interfaceName)
    {
        int unused = 0;
        if (LibC.SetSockOpt(fd, LinuxSocket.SolSocket, LinuxSocket.SoDetachFilter, &unused, sizeof(int)) != 0)
        {
            throw CaptureErrors.LastError("setsockopt(SO_DETACH_FILTER)", interfaceName);
        }
    }

    public override string ToString() => Expression;
}
