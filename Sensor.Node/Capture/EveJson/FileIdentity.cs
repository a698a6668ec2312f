using Microsoft.Win32.SafeHandles;

namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// Which file a path or an open handle refers to: device and inode on Linux. Rotation by rename
/// leaves the open handle on the old inode while the path names a new one, so comparing the two
/// identities is how the tailer notices the switch without guessing from sizes or names.
/// </summary>
/// <remarks>
/// Without statx (another OS, or a libc older than glibc 2.28) the identity falls back to the path's
/// creation time, which a rename-and-create rotation also changes; the open handle then keeps the
/// identity its path had when it was opened.
/// </remarks>
internal readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    /// <summary>Set once statx turned out to be missing from libc, so the probe is not repeated.</summary>
    private static volatile bool s_statxMissing = !OperatingSystem.IsLinux();

    /// <summary>The identity of the file <paramref name="path"/> names now; false when nothing is there.</summary>
    public static bool TryOfPath(string path, out FileIdentity identity)
    {
        if (!s_statxMissing)
        {
            try
            {
                return Statx.TryOfPath(path, out identity);
            }
            catch (EntryPointNotFoundException)
            {
                s_statxMissing = true;
            }
        }

        identity = default;
        if (!File.Exists(path))
        {
            return false;
        }

        identity = new FileIdentity(0, (ulong)File.GetCreationTimeUtc(path).Ticks);
        return true;
    }

    /// <summary>The identity of the file behind an open handle; false when the platform cannot tell.</summary>
    public static bool TryOfHandle(SafeFileHandle handle, out FileIdentity identity)
    {
        if (!s_statxMissing)
        {
            try
            {
                return Statx.TryOfHandle(handle, out identity);
            }
            catch (EntryPointNotFoundException)
            {
                s_statxMissing = true;
            }
        }

        identity = default;
        return false;
    }
}
