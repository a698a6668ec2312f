using System.Runtime.InteropServices;

namespace NerfEngine.Sensor.Capture.Native;

/// <summary>
/// Mirrors <c>struct sock_filter</c> (linux/filter.h), one classic BPF instruction; identical in layout to
/// libpcap's <c>struct bpf_insn</c> (pcap/bpf.h), so compiled programs copy across unchanged.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct SockFilter(ushort Code, byte JumpTrue, byte JumpFalse, uint K);

/// <summary>Mirrors <c>struct sock_fprog</c> (linux/filter.h), the SO_ATTACH_FILTER argument.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SockFprog
{
    public ushort Length;
    public SockFilter* Filter;
}
