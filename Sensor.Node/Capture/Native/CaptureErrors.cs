using System.Runtime.InteropServices;

namespace NerfEngine.Sensor.Capture.Native;

/// <summary>
/// Maps errno from capture system calls to <see cref="CaptureException"/>s with clear messages. The
/// mapping is a pure function of (errno, call, interface) so it is tested without the kernel.
/// </summary>
public static class CaptureErrors
{
    /// <summary>The message for missing privileges, shared by every kernel capture engine.</summary>
    public const string NotPermittedMessage = "not permitted: capture needs root or CAP_NET_RAW";

    /// <summary>The error for <paramref name="operation"/> failing with <paramref name="errno"/> on <paramref name="interfaceName"/>.</summary>
    public static CaptureException FromErrno(int errno, string operation, string interfaceName) => errno switch
    {
        Errno.ENODEV or Errno.ENXIO => InterfaceNotFound(interfaceName, errno),
        Errno.EPERM or Errno.EACCES => new CaptureException(CaptureFailure.NotPermitted,
            $"{NotPermittedMessage} ({operation} on '{interfaceName}': {Errno.Name(errno)})", errno),
        Errno.ENETDOWN => new CaptureException(CaptureFailure.InterfaceDown,
            $"interface '{interfaceName}' is down ({operation}: ENETDOWN)", errno),
        Errno.EAFNOSUPPORT => new CaptureException(CaptureFailure.SystemCallFailed,
            $"{operation} failed: this kernel has no AF_PACKET support (EAFNOSUPPORT)", errno),
        _ => new CaptureException(CaptureFailure.SystemCallFailed,
            $"{operation} on '{interfaceName}' failed: {Describe(errno)}", errno),
    };

    /// <summary>"interface 'x' not found".</summary>
    public static CaptureException InterfaceNotFound(string interfaceName, int errno = Errno.ENODEV) =>
        new(CaptureFailure.InterfaceNotFound, $"interface '{interfaceName}' not found", errno);

    /// <summary>The kernel refused PACKET_RX_RING or the mapping; <paramref name="detail"/> says what was asked.</summary>
    public static CaptureException RingRefused(string interfaceName, int errno, string detail) =>
        new(CaptureFailure.RingRefused, $"ring refused on '{interfaceName}': {detail} ({Describe(errno)})", errno);

    /// <summary>The last error of the calling thread as an exception.</summary>
    public static CaptureException LastError(string operation, string interfaceName) =>
        FromErrno(Marshal.GetLastPInvokeError(), operation, interfaceName);

    /// <summary>"ENOMEM: Cannot allocate memory".</summary>
    public static string Describe(int errno) => $"{Errno.Name(errno)}: {Marshal.GetPInvokeErrorMessage(errno)}";
}
