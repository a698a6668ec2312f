using System.Diagnostics;
using System.Text.Json;

namespace NerfEngine.Benchmarks.Registry;

/// <summary>
/// Per-call latencies of a throughput benchmark (BenchmarkDotNet measures whole invocations of thousands of
/// concurrent calls, so p50/p99 per call are recorded here). Keeps the most recent samples in a ring.
/// </summary>
internal sealed class LatencyRecorder(int capacity)
{
    private readonly long[] _ticks = new long[capacity];
    private long _count;

    public void Record(long startTimestamp)
    {
        var slot = (Interlocked.Increment(ref _count) - 1) % _ticks.Length;
        _ticks[slot] = Stopwatch.GetTimestamp() - startTimestamp;
    }

    /// <summary>p50, p99 and max in milliseconds over the kept samples.</summary>
    public (double P50, double P99, double Max, long Samples) Summary()
    {
        var n = (int)Math.Min(Interlocked.Read(ref _count), _ticks.Length);
        if (n == 0) return (0, 0, 0, 0);
        var sorted = _ticks.AsSpan(0, n).ToArray();
        Array.Sort(sorted);
        double Ms(long t) => t * 1000.0 / Stopwatch.Frequency;
        return (Ms(sorted[(int)(n * 0.50)]), Ms(sorted[Math.Min(n - 1, (int)(n * 0.99))]), Ms(sorted[^1]), Interlocked.Read(ref _count));
    }

    /// <summary>Appends one JSON line per benchmark to <paramref name="path"/> (read by scripts/bench-mcp.sh).</summary>
    public void WriteTo(string path, string benchmark, int connections, double? registryMeanMs = null)
    {
        var (p50, p99, max, samples) = Summary();
        if (samples == 0) return; // BenchmarkDotNet runs setup/cleanup per method; only the measured one has samples
        var line = JsonSerializer.Serialize(new { benchmark, connections, p50_ms = p50, p99_ms = p99, max_ms = max, samples, registry_mean_ms = registryMeanMs });
        File.AppendAllText(path, line + "\n");
    }
}
