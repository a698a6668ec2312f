using System.Runtime.InteropServices;

namespace NerfEngine.Sensor.Capture.Native;

/// <summary>
/// The libc calls the kernel capture engines need (AF_PACKET now, XDP later). Declared with
/// <c>[LibraryImport]</c> over blittable structs and raw pointers, so no marshalling code runs on the
/// packet path; every call sets the last error so callers map <c>errno</c> with <see cref="CaptureErrors"/>.
/// </summary>
internal static unsafe partial class LibC
{
    private const string Library = "libc";

    /// <summary>socket(2).</summary>
    [LibraryImport(Library, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    /// <summary>bind(2) with a <c>struct sockaddr_ll</c>.</summary>
    [LibraryImport(Library, EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, SockAddrLl* address, uint addressLength);

    /// <summary>setsockopt(2).</summary>
    [LibraryImport(Library, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, void* value, uint valueLength);

    /// <summary>getsockopt(2); <paramref name="valueLength"/> is in/out.</summary>
    [LibraryImport(Library, EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSockOpt(int fd, int level, int name, void* value, uint* valueLength);

    /// <summary>mmap(2); returns <see cref="MapFailed"/> on error.</summary>
    [LibraryImport(Library, EntryPoint = "mmap", SetLastError = true)]
    public static partial void* MMap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    /// <summary>munmap(2).</summary>
    [LibraryImport(Library, EntryPoint = "munmap", SetLastError = true)]
    public static partial int MUnmap(void* address, nuint length);

    /// <summary>madvise(2): advice about a mapping's use (e.g. sequential reading of a mapped file).</summary>
    [LibraryImport(Library, EntryPoint = "madvise", SetLastError = true)]
    public static partial int MAdvise(void* address, nuint length, int advice);

    /// <summary>poll(2): 0 on timeout, the number of ready descriptors, or -1.</summary>
    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    /// <summary>close(2).</summary>
    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>if_nametoindex(3): 0 (with errno, usually ENODEV) when no interface has that name.</summary>
    [LibraryImport(Library, EntryPoint = "if_nametoindex", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint IfNameToIndex(string name);

    /// <summary>The value mmap returns on failure, <c>(void *) -1</c>.</summary>
    public static readonly void* MapFailed = (void*)-1;
}
