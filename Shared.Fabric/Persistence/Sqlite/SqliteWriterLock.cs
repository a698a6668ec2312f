using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;

namespace NerfEngine.Shared.Fabric.Persistence.Sqlite;

/// <summary>
/// The advisory lock that makes one process the only writer of an embedded SQLite journal: an exclusive
/// <c>flock(2)</c> on <c>&lt;journal file&gt;.lock</c>, which holds the owner's pid for the error message. The kernel
/// releases a flock when its holder dies (even by SIGKILL), so a stale lock file never blocks a new start.
/// </summary>
/// <remarks>
/// Two writers on one SQLite file would fence each other off on every append; the lock turns that operator mistake into
/// one clear start-up error. Readers (journal replay/verify) do not take it. PostgreSQL is shared by design and not locked.
/// </remarks>
public sealed partial class SqliteWriterLock : IDisposable
{
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const int WouldBlock = 11; // EWOULDBLOCK (= EAGAIN) on Linux
    private const int OpenReadWrite = 0x2;
    private const int OpenCreate = 0x40;
    private const int OpenCloseOnExec = 0x80000; // a child process must not inherit (and so keep) the lock

    private readonly SafeFileHandle _handle;

    private SqliteWriterLock(SafeFileHandle handle, string path)
    {
        _handle = handle;
        LockFilePath = path;
    }

    /// <summary>The lock file, beside the journal.</summary>
    public string LockFilePath { get; }

    /// <summary>
    /// Takes the lock for the journal file of <paramref name="connectionString"/>; null for in-memory databases.
    /// Throws <see cref="SqliteJournalInUseException"/> (an <see cref="IOException"/>) naming the holder's pid when another
    /// process holds it.
    /// </summary>
    public static SqliteWriterLock? Acquire(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is "" or ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            return null;
        }

        var path = Path.GetFullPath(builder.DataSource) + ".lock";
        if (!OperatingSystem.IsLinux())
        {
            return null; // the control node runs on Linux; elsewhere the journal's sequence fence still stops a second writer
        }

        var fd = Open(path, OpenReadWrite | OpenCreate | OpenCloseOnExec, Convert.ToInt32("644", 8));
        if (fd < 0)
        {
            throw new IOException($"Cannot open the journal lock file {path}: errno {Marshal.GetLastPInvokeError()}.");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (Flock(fd, LockExclusive | LockNonBlocking) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw errno == WouldBlock
                    ? new SqliteJournalInUseException(builder.DataSource, TryReadPid(handle))
                    : new IOException($"Cannot lock the journal lock file {path}: errno {errno}.");
            }

            var pid = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            RandomAccess.SetLength(handle, 0);
            RandomAccess.Write(handle, pid, 0);
            return new SqliteWriterLock(handle, path);
        }
        catch
        {
            // Closing the descriptor releases a lock taken above, so a failed start leaves nothing held.
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Releases the lock (closing the descriptor releases the flock); the file stays, harmlessly.</summary>
    public void Dispose() => _handle.Dispose();

    /// <summary>The holder's pid as it wrote it; null when unreadable (the file may be mid-write).</summary>
    private static int? TryReadPid(SafeFileHandle handle)
    {
        try
        {
            return ReadPid(handle);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static int? ReadPid(SafeFileHandle handle)
    {
        Span<byte> buffer = stackalloc byte[32];
        var read = RandomAccess.Read(handle, buffer, 0);
        return int.TryParse(Encoding.ASCII.GetString(buffer[..read]).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);
}

/// <summary>Another process holds the writer lock of this SQLite journal.</summary>
public sealed class SqliteJournalInUseException(string dataSource, int? holderPid)
    : IOException(
        $"journal {dataSource} is in use by another Control.Node (pid {(holderPid is { } pid ? pid.ToString(CultureInfo.InvariantCulture) : "unknown")}); "
        + $"use another data directory, e.g. --set \"Persistence:ConnectionString=Data Source={SuggestOther(dataSource)}\"")
{
    /// <summary>The journal file as configured.</summary>
    public string DataSource { get; } = dataSource;

    /// <summary>The holder's pid as it wrote it, when readable.</summary>
    public int? HolderPid { get; } = holderPid;

    private static string SuggestOther(string dataSource)
    {
        var directory = Path.GetDirectoryName(dataSource);
        var file = Path.GetFileName(dataSource);
        return string.IsNullOrEmpty(directory) ? Path.Combine(".nerf-2", file) : Path.Combine(directory.TrimEnd('/') + "-2", file);
    }
}
