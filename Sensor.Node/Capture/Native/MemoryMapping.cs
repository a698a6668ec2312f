using Microsoft.Win32.SafeHandles;

namespace NerfEngine.Sensor.Capture.Native;

/// <summary>
/// Owns one mmap(2) region (an AF_PACKET ring, later a BPF ring buffer): unmapped exactly once. Reading
/// the memory after disposal is the caller's bug, so owners stop their readers before disposing.
/// </summary>
internal sealed unsafe class MemoryMapping : SafeHandleZeroOrMinusOneIsInvalid
{
    private MemoryMapping(void* address, nuint length)
        : base(ownsHandle: true)
    {
        SetHandle((nint)address);
        Length = length;
    }

    /// <summary>Bytes mapped.</summary>
    public nuint Length { get; }

    /// <summary>Start of the mapping.</summary>
    public byte* Address => (byte*)handle;

    /// <summary>Maps <paramref name="length"/> bytes of <paramref name="fd"/> shared and read-write; null (with errno set) on failure.</summary>
    public static MemoryMapping? MapShared(int fd, nuint length)
    {
        void* address = LibC.MMap(null, length, LinuxSocket.ProtReadWrite, LinuxSocket.MapShared, fd, 0);
        return address == LibC.MapFailed ? null : new MemoryMapping(address, length);
    }

    protected override bool ReleaseHandle() => LibC.MUnmap((void*)handle, Length) == 0;
}
