using System.Runtime.InteropServices;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// Converts <c>bpf_ktime_get_ns()</c> (CLOCK_MONOTONIC, bpf-helpers(7)) to Unix epoch nanoseconds, as
/// nerf_records.h requires of records leaving the sensor: epoch = monotonic + (CLOCK_REALTIME − CLOCK_MONOTONIC),
/// the offset sampled around one monotonic read so it is exact to a few hundred nanoseconds. The offset
/// moves when NTP steps the wall clock, so readers sample it again every drain.
/// </summary>
internal static unsafe partial class BootClock
{
    private const int ClockRealtime = 0;
    private const int ClockMonotonic = 1;

    /// <summary>CLOCK_REALTIME − CLOCK_MONOTONIC, in nanoseconds.</summary>
    public static long MonotonicToUnixOffsetNs()
    {
        long before = Read(ClockRealtime);
        long monotonic = Read(ClockMonotonic);
        long after = Read(ClockRealtime);
        return before + (after - before) / 2 - monotonic;
    }

    /// <summary>CLOCK_MONOTONIC now, the clock the program stamps with.</summary>
    public static long MonotonicNs() => Read(ClockMonotonic);

    private static long Read(int clock)
    {
        Timespec time;
        if (ClockGetTime(clock, &time) != 0)
        {
            throw new InvalidOperationException($"clock_gettime({clock}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        return time.Seconds * 1_000_000_000L + time.Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clock, Timespec* time);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
