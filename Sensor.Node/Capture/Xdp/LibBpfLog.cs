using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using NerfEngine.Sensor.Capture.Native;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// Takes over libbpf's logging (libbpf_set_print), which otherwise writes warnings straight to stderr: the
/// lines are kept (the last <see cref="Capacity"/>) so a failed load can quote libbpf's reason (a verifier
/// message, a missing map) in its error, and the CLI's stderr stays one clear line.
/// </summary>
internal static unsafe partial class LibBpfLog
{
    /// <summary>Lines kept.</summary>
    public const int Capacity = 64;

    /// <summary>enum libbpf_print_level LIBBPF_DEBUG: the chatty level, not kept.</summary>
    private const int LevelDebug = 2;

    private static readonly ConcurrentQueue<(long Sequence, string Text)> Lines = new();
    private static readonly Lock Gate = new();
    private static bool _installed;

    /// <summary>Installs the print callback once per process (libbpf_set_print is global and not thread-safe).</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (!_installed)
            {
                LibBpf.SetPrint(&OnPrint);
                _installed = true;
            }
        }
    }

    /// <summary>A position in the log, to quote only what one operation printed.</summary>
    public static long Mark() => Interlocked.Read(ref _sequence);

    /// <summary>The kept lines logged after <paramref name="mark"/>, the last <paramref name="maxLines"/>, joined by " | ".</summary>
    public static string Since(long mark, int maxLines = 6) =>
        string.Join(" | ", Lines.Where(line => line.Sequence > mark).Select(line => line.Text).TakeLast(maxLines));

    private static long _sequence;

    /// <summary>libbpf_print_fn_t: int (*)(enum libbpf_print_level, const char *fmt, va_list ap).</summary>
    [UnmanagedCallersOnly]
    private static int OnPrint(int level, byte* format, nint arguments)
    {
        if (level >= LevelDebug)
        {
            return 0;
        }
        try
        {
            // va_list arrives as a pointer on x86-64 (array type) and arm64 (struct > 16 bytes passed by reference).
            byte* buffer = stackalloc byte[512];
            int length = VsnPrintf(buffer, 512, format, arguments);
            if (length <= 0)
            {
                return 0;
            }
            string text = Encoding.UTF8.GetString(buffer, Math.Min(length, 511)).Trim();
            Lines.Enqueue((Interlocked.Increment(ref _sequence), text));
            while (Lines.Count > Capacity && Lines.TryDequeue(out _))
            {
            }
        }
        catch (Exception)
        {
            // Never let an exception cross into native code.
        }
        return 0;
    }

    [LibraryImport("libc", EntryPoint = "vsnprintf")]
    private static partial int VsnPrintf(byte* buffer, nuint size, byte* format, nint arguments);
}
