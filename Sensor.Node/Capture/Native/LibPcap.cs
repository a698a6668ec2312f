using System.Runtime.InteropServices;

namespace NerfEngine.Sensor.Capture.Native;

/// <summary>
/// The part of libpcap used to compile tcpdump filter expressions to classic BPF (pcap(3PCAP),
/// pcap_compile(3PCAP)); nothing here opens a live capture. Debian ships it as libpcap0.8.
/// </summary>
internal static unsafe partial class LibPcap
{
    /// <summary>The SONAME of libpcap 1.x on Debian (package libpcap0.8).</summary>
    public const string Library = "libpcap.so.0.8";

    /// <summary>DLT_EN10MB: Ethernet, what AF_PACKET SOCK_RAW delivers.</summary>
    public const int DltEthernet = 1;

    /// <summary>PCAP_NETMASK_UNKNOWN (pcap/pcap.h): only IPv4 broadcast tests need the netmask.</summary>
    public const uint NetmaskUnknown = 0xFFFFFFFF;

    /// <summary>pcap_open_dead(3PCAP): a handle for compiling only; NULL on failure.</summary>
    [LibraryImport(Library, EntryPoint = "pcap_open_dead")]
    public static partial nint OpenDead(int linkType, int snapLength);

    /// <summary>pcap_compile(3PCAP): 0 on success, -1 with the message in pcap_geterr.</summary>
    [LibraryImport(Library, EntryPoint = "pcap_compile", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Compile(nint pcap, BpfProgram* program, string expression, int optimize, uint netmask);

    /// <summary>pcap_freecode(3PCAP).</summary>
    [LibraryImport(Library, EntryPoint = "pcap_freecode")]
    public static partial void FreeCode(BpfProgram* program);

    /// <summary>pcap_geterr(3PCAP): the handle's last error text, owned by the handle.</summary>
    [LibraryImport(Library, EntryPoint = "pcap_geterr")]
    public static partial nint GetError(nint pcap);

    /// <summary>pcap_close(3PCAP).</summary>
    [LibraryImport(Library, EntryPoint = "pcap_close")]
    public static partial void Close(nint pcap);
}

/// <summary>Mirrors libpcap's <c>struct bpf_program</c> (pcap/bpf.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BpfProgram
{
    /// <summary>bf_len: instruction count.</summary>
    public uint Length;

    /// <summary>bf_insns.</summary>
    public SockFilter* Instructions;
}
