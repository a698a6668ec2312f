namespace NerfEngine.Sensor.Capture.Native;

/// <summary>Why a kernel capture could not start or stopped; one per clear error message.</summary>
public enum CaptureFailure
{
    /// <summary>No interface has the given name (if_nametoindex → 0, bind → ENODEV/ENXIO).</summary>
    InterfaceNotFound,

    /// <summary>The interface exists but is down (ENETDOWN).</summary>
    InterfaceDown,

    /// <summary>The process lacks root / CAP_NET_RAW (EPERM, EACCES).</summary>
    NotPermitted,

    /// <summary>The kernel refused the ring: geometry invalid, or no memory even at the smallest size.</summary>
    RingRefused,

    /// <summary>The capture filter expression did not compile or the kernel rejected the program.</summary>
    InvalidFilter,

    /// <summary>PACKET_FANOUT was refused (group id used with another mode, or unsupported mode).</summary>
    FanoutRefused,

    /// <summary>A native library the capture needs (libpcap) is not installed.</summary>
    LibraryMissing,

    /// <summary>Any other system call failure; the message names the call and errno.</summary>
    SystemCallFailed,
}
