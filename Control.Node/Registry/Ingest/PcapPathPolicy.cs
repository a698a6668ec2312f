using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace NerfEngine.Control.Registry.Ingest;

/// <summary>
/// Decides which server-side capture files ingest_pcap may read: only regular files inside one configured
/// directory. Both the directory and the requested file are canonicalised with realpath(3), so "..", absolute
/// paths elsewhere and symbolic links (of the file or of any directory on the way) that lead outside are all
/// refused the same way: by where the file really is.
/// </summary>
public sealed partial class PcapPathPolicy
{
    private readonly string _configuredRoot;

    /// <param name="root">The allowed directory (relative paths are relative to the working directory).</param>
    public PcapPathPolicy(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        _configuredRoot = root;
    }

    /// <summary>
    /// The policy for <paramref name="root"/>, creating the directory when it does not exist yet (a fresh node has no
    /// <c>.nerf/pcap</c>; without it ingest_pcap could only answer UNAVAILABLE). A directory that cannot be created is
    /// logged and left to <see cref="Resolve"/> to report.
    /// </summary>
    public static PcapPathPolicy CreatingRoot(string root, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var policy = new PcapPathPolicy(root);
        var full = Path.GetFullPath(root);
        if (Directory.Exists(full))
        {
            return policy;
        }

        try
        {
            Directory.CreateDirectory(full);
            logger.LogInformation(
                "ingest_pcap: created the capture directory {Directory} (Mcp:PcapDirectory); put capture files there", full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(
                "ingest_pcap: the capture directory {Directory} (Mcp:PcapDirectory) does not exist and could not be created: {Reason}", full, ex.Message);
        }

        return policy;
    }

    /// <summary>The allowed directory as configured.</summary>
    public string Root => _configuredRoot;

    /// <summary>
    /// The canonical path of <paramref name="requested"/> (relative to the allowed directory, or absolute), or a
    /// <see cref="ToolFailureException"/>: <see cref="ToolErrorCodes.PathNotAllowed"/> for anything outside the
    /// directory, <see cref="ToolErrorCodes.NotFound"/> for a missing file, <see cref="ToolErrorCodes.Unavailable"/>
    /// when the directory itself does not exist.
    /// </summary>
    public string Resolve(string requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        if (requested.Length == 0 || requested.Contains('\0', StringComparison.Ordinal))
        {
            throw Refuse("path: must be a non-empty file path without NUL characters");
        }

        var root = RealPath(Path.GetFullPath(_configuredRoot))
                   ?? throw new ToolFailureException(ToolErrorCodes.Unavailable,
                       $"ingest_pcap is unavailable: the capture directory '{_configuredRoot}' (Mcp:PcapDirectory) does not exist.");
        var lexical = Path.GetFullPath(Path.Combine(root, requested));
        if (!IsInside(lexical, root))
        {
            throw Refuse($"path: '{requested}' is outside the capture directory; give a path inside it (e.g. a file name)");
        }

        var real = RealPath(lexical);
        if (real is null)
        {
            throw new ToolFailureException(ToolErrorCodes.NotFound, $"No capture file '{requested}' in the capture directory.",
                details: [$"path: '{requested}' does not exist"]);
        }

        if (!IsInside(real, root))
        {
            throw Refuse($"path: '{requested}' leads outside the capture directory through a symbolic link");
        }

        if (!File.Exists(real))
        {
            throw Refuse($"path: '{requested}' is not a regular file");
        }

        return real;
    }

    /// <summary>The path shown to agents: relative to the allowed directory (the server's layout stays private).</summary>
    public string Display(string canonical)
    {
        var root = RealPath(Path.GetFullPath(_configuredRoot)) ?? _configuredRoot;
        return Path.GetRelativePath(root, canonical);
    }

    private static bool IsInside(string path, string root) =>
        path.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal);

    private static ToolFailureException Refuse(string problem) =>
        new(ToolErrorCodes.PathNotAllowed, $"Refused: {problem}.", details: [problem]);

    /// <summary>realpath(3): the canonical absolute path with every link resolved; null when it does not exist.</summary>
    private static string? RealPath(string path)
    {
        var resolved = NativeMethods.realpath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            NativeMethods.free(resolved);
        }
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial IntPtr realpath(string path, IntPtr resolved);

        [LibraryImport("libc")]
        internal static partial void free(IntPtr pointer);
    }
}
