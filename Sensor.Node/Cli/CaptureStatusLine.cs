using NerfEngine.Sensor.Pipeline;
using Spectre.Console;

namespace NerfEngine.Sensor.Cli;

/// <summary>
/// The live line every capture engine prints once a second (markup): elapsed time, what it counts
/// (<paramref name="unit"/>: packets, eve lines) with the rate since the previous line, edges, parse
/// errors, the engine's own columns (<paramref name="extra"/>), and the latest error in red.
/// </summary>
internal sealed class CaptureStatusLine(ICaptureEngine engine, string unit, Func<CaptureStats, string> extra)
{
    private readonly long _started = TimeProvider.System.GetTimestamp();
    private long _lastCount;
    private long _lastTimestamp = TimeProvider.System.GetTimestamp();

    public string Next()
    {
        CaptureStats stats = engine.Stats;
        long now = TimeProvider.System.GetTimestamp();
        double seconds = Math.Max(1e-3, TimeProvider.System.GetElapsedTime(_lastTimestamp, now).TotalSeconds);
        double rate = (stats.PacketsCaptured - _lastCount) / seconds;
        _lastCount = stats.PacketsCaptured;
        _lastTimestamp = now;
        string error = stats.LastError is null ? "" : $" [red]{Markup.Escape(stats.LastError)}[/]";
        return $"[grey]{TimeProvider.System.GetElapsedTime(_started):hh\\:mm\\:ss}[/] {unit} [bold]{stats.PacketsCaptured:N0}[/] ({rate:N0}/s)  "
            + $"edges {stats.EventsEmitted:N0}  parse errors {stats.ParseErrors:N0}  {extra(stats)}{error}";
    }
}
