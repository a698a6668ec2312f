using System.Runtime.InteropServices;
using NerfEngine.Sensor.Capture.Native;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// The program attached to one interface through a BPF link (bpf_link_create with BPF_XDP, kernel &gt;= 5.9):
/// native mode first and generic (skb) mode as the fallback, as <see cref="XdpAttachMode"/> asks. The kernel
/// detaches a link's program when the link's last fd closes — on <see cref="Dispose"/>, and also if the
/// process dies — so a sensor never leaves a program behind. A link refuses to replace a program someone
/// else attached (EBUSY), which is reported rather than overridden.
/// </summary>
internal sealed unsafe class XdpAttachment : IDisposable
{
    private readonly FileDescriptorHandle _link;

    private XdpAttachment(FileDescriptorHandle link, string interfaceName, int interfaceIndex, XdpAttachMode mode)
    {
        _link = link;
        InterfaceName = interfaceName;
        InterfaceIndex = interfaceIndex;
        Mode = mode;
    }

    public string InterfaceName { get; }

    public int InterfaceIndex { get; }

    /// <summary><see cref="XdpAttachMode.Native"/> or <see cref="XdpAttachMode.Generic"/>: what the kernel accepted.</summary>
    public XdpAttachMode Mode { get; }

    /// <summary>Attaches <paramref name="program"/>; throws a <see cref="CaptureException"/> with a clear message on failure.</summary>
    public static XdpAttachment Attach(XdpObject program, string interfaceName, XdpAttachMode mode)
    {
        uint index = LibC.IfNameToIndex(interfaceName);
        if (index == 0)
        {
            throw CaptureErrors.InterfaceNotFound(interfaceName);
        }
        if (mode != XdpAttachMode.Generic)
        {
            int native = Create(program, (int)index, LibBpf.XdpFlagsDriverMode);
            if (native >= 0)
            {
                return new XdpAttachment(new FileDescriptorHandle(native), interfaceName, (int)index, XdpAttachMode.Native);
            }
            // Drivers without ndo_bpf answer EOPNOTSUPP; anything else (EPERM, EBUSY) is not a mode problem.
            if (!IsModeUnsupported(-native))
            {
                throw XdpErrors.FromErrno(-native, "bpf_link_create(BPF_XDP, native mode)", interfaceName);
            }
            if (mode == XdpAttachMode.Native)
            {
                throw XdpErrors.NativeModeUnsupported(interfaceName, -native);
            }
        }
        int generic = Create(program, (int)index, LibBpf.XdpFlagsSkbMode);
        if (generic < 0)
        {
            throw XdpErrors.FromErrno(-generic, "bpf_link_create(BPF_XDP, generic mode)", interfaceName);
        }
        return new XdpAttachment(new FileDescriptorHandle(generic), interfaceName, (int)index, XdpAttachMode.Generic);
    }

    /// <summary>The id of the program attached to <paramref name="interfaceName"/> now (any mode), 0 when none.</summary>
    public static uint QueryProgramId(string interfaceName)
    {
        uint index = LibC.IfNameToIndex(interfaceName);
        if (index == 0)
        {
            return 0;
        }
        BpfXdpQueryOptions options = BpfXdpQueryOptions.Create();
        return LibBpf.XdpQuery((int)index, 0, &options) < 0 ? 0 : options.ProgramId;
    }

    /// <summary>Detaches the program (closes the link). Idempotent.</summary>
    public void Dispose() => _link.Dispose();

    private static int Create(XdpObject program, int index, uint flags)
    {
        BpfLinkCreateOptions options = BpfLinkCreateOptions.For(flags);
        int fd = LibBpf.LinkCreate(program.ProgramFd, index, LibBpf.AttachTypeXdp, &options);
        return fd >= 0 ? fd : fd == -1 ? -Marshal.GetLastPInvokeError() : fd;
    }

    private static bool IsModeUnsupported(int errno) =>
        errno is XdpErrors.EOPNOTSUPP or XdpErrors.ENOTSUPP or Errno.EINVAL;
}
