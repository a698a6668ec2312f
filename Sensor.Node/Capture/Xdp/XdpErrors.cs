using NerfEngine.Sensor.Capture.Native;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// The clear messages of the XDP engine's start failures, as <see cref="CaptureException"/>s. A pure function of
/// (errno, step, interface), so the mapping is tested without the kernel.
/// </summary>
public static class XdpErrors
{
    /// <summary>The message for missing privileges (bpf(2) and XDP attach both need them).</summary>
    public const string NotPermittedMessage = "not permitted: XDP capture needs root or CAP_BPF and CAP_NET_ADMIN";

    /// <summary>What to do when the object was not built.</summary>
    public const string ObjectMissingHint = "install clang and rebuild (the Sensor.Node build compiles bpf/xdp_edges.bpf.c with make -C bpf)";

    // errno values the XDP steps react to that Errno does not name (asm-generic/errno*.h; 524 is the kernel's ENOTSUPP).
    internal const int E2BIG = 7;
    internal const int EEXIST = 17;
    internal const int ENOSPC = 28;
    internal const int EOPNOTSUPP = 95;
    internal const int ENOTSUPP = 524;

    /// <summary>The error for <paramref name="step"/> failing with <paramref name="errno"/> on <paramref name="interfaceName"/>.</summary>
    public static CaptureException FromErrno(int errno, string step, string interfaceName, string? detail = null) => errno switch
    {
        Errno.EPERM or Errno.EACCES => new CaptureException(CaptureFailure.NotPermitted,
            $"{NotPermittedMessage} ({step} on '{interfaceName}': {Name(errno)})", errno),
        Errno.ENODEV or Errno.ENXIO => CaptureErrors.InterfaceNotFound(interfaceName, errno),
        Errno.EBUSY or EEXIST => new CaptureException(CaptureFailure.SystemCallFailed,
            $"interface '{interfaceName}' already has an XDP program attached ({step}: {Name(errno)}); detach it first: ip link set dev {interfaceName} xdp off", errno),
        _ => new CaptureException(CaptureFailure.SystemCallFailed,
            $"{step} on '{interfaceName}' failed: {Describe(errno)}" + (string.IsNullOrEmpty(detail) ? "" : $"; libbpf: {detail}"), errno),
    };

    /// <summary>"BPF object not found at PATH; install clang and rebuild …".</summary>
    public static CaptureException ObjectMissing(string path) =>
        new(CaptureFailure.LibraryMissing, $"BPF object not found at '{path}'; {ObjectMissingHint}");

    /// <summary>libbpf.so.1 could not be loaded.</summary>
    public static CaptureException LibraryMissing(Exception inner) =>
        new(CaptureFailure.LibraryMissing, $"{LibBpf.Library} not found; install it: apt-get install libbpf1", 0, inner);

    /// <summary>Native mode was asked for and the driver has none.</summary>
    public static CaptureException NativeModeUnsupported(string interfaceName, int errno) =>
        new(CaptureFailure.SystemCallFailed,
            $"the driver of '{interfaceName}' has no native XDP support ({Name(errno)}); use Xdp:Mode=auto or generic", errno);

    /// <summary>"EOPNOTSUPP: Operation not supported".</summary>
    public static string Describe(int errno) => errno == ENOTSUPP
        ? "ENOTSUPP: operation not supported by this kernel"
        : $"{Name(errno)}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}";

    /// <summary>The symbolic name, including the XDP-specific ones.</summary>
    public static string Name(int errno) => errno switch
    {
        E2BIG => "E2BIG",
        EEXIST => "EEXIST",
        ENOSPC => "ENOSPC",
        EOPNOTSUPP => "EOPNOTSUPP",
        ENOTSUPP => "ENOTSUPP",
        _ => Errno.Name(errno),
    };
}
