using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// statx(2), used only for a file's device and inode. statx rather than stat because
/// <c>struct statx</c> has one layout on every architecture (include/uapi/linux/stat.h), while
/// <c>struct stat</c> differs between x86-64 and arm64.
/// </summary>
internal static unsafe partial class Statx
{
    private const string Library = "libc";

    /// <summary>AT_FDCWD: resolve a relative path against the working directory.</summary>
    private const int AtFdCwd = -100;

    /// <summary>AT_EMPTY_PATH: with an empty path, describe the descriptor itself.</summary>
    private const int AtEmptyPath = 0x1000;

    /// <summary>STATX_INO: the fields asked for (device numbers always come back).</summary>
    private const uint StatxIno = 0x100;

    /// <summary>sizeof(struct statx).</summary>
    private const int BufferSize = 256;

    /// <summary>offsetof(struct statx, stx_ino).</summary>
    private const int InodeOffset = 32;

    /// <summary>offsetof(struct statx, stx_dev_major); stx_dev_minor follows it.</summary>
    private const int DevMajorOffset = 136;

    [LibraryImport(Library, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Call(int dirFd, string path, int flags, uint mask, byte* buffer);

    /// <summary>statx of a path; false when it does not exist or cannot be examined.</summary>
    public static bool TryOfPath(string path, out FileIdentity identity)
    {
        byte* buffer = stackalloc byte[BufferSize];
        return TryRead(Call(AtFdCwd, path, 0, StatxIno, buffer), buffer, out identity);
    }

    /// <summary>statx of an open descriptor.</summary>
    public static bool TryOfHandle(SafeFileHandle handle, out FileIdentity identity)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            byte* buffer = stackalloc byte[BufferSize];
            int fd = (int)handle.DangerousGetHandle();
            return TryRead(Call(fd, string.Empty, AtEmptyPath, StatxIno, buffer), buffer, out identity);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static bool TryRead(int result, byte* buffer, out FileIdentity identity)
    {
        if (result != 0)
        {
            identity = default;
            return false;
        }

        ulong inode = *(ulong*)(buffer + InodeOffset);
        uint major = *(uint*)(buffer + DevMajorOffset);
        uint minor = *(uint*)(buffer + DevMajorOffset + sizeof(uint));
        identity = new FileIdentity(((ulong)major << 32) | minor, inode);
        return true;
    }
}
