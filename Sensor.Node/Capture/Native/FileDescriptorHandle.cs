using Microsoft.Win32.SafeHandles;

namespace NerfEngine.Sensor.Capture.Native;

/// <summary>
/// Owns a kernel file descriptor (a packet socket, later a BPF map or ring): closed exactly once, on
/// <see cref="IDisposable.Dispose"/> or by the finalizer, never while a P/Invoke that took a reference runs.
/// </summary>
internal sealed class FileDescriptorHandle : SafeHandleMinusOneIsInvalid
{
    public FileDescriptorHandle(int fd)
        : base(ownsHandle: true) => SetHandle(fd);

    /// <summary>The raw descriptor; valid while the handle is not closed.</summary>
    public int Fd => (int)handle;

    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;
}
