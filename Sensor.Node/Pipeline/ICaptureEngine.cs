namespace NerfEngine.Sensor.Pipeline;

/// <summary>
/// The one contract of capture engines (AF_PACKET, XDP, file replay): start, stop, stats, name.
/// The sensor host treats them alike; each engine owns its ring, map or file and nothing else touches it.
/// </summary>
public interface ICaptureEngine : IAsyncDisposable
{
    /// <summary>Short name for logs and metrics labels, e.g. <c>afpacket:eth0</c> or <c>replay:trace.pcap</c>.</summary>
    string Name { get; }

    /// <summary>A copy of the engine's counters; safe to call from any thread at any time.</summary>
    CaptureStats Stats { get; }

    /// <summary>
    /// Acquires the source and starts capturing in the background. Fails fast, before any packet,
    /// with a <see cref="CaptureStartException"/> whose message says what to fix (no such interface,
    /// missing CAP_NET_RAW/CAP_BPF, ring refused, file missing or not a capture file).
    /// </summary>
    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stops capturing and releases everything the engine acquired (rings, maps, program attachments,
    /// files). Idempotent; <paramref name="cancellationToken"/> bounds how long buffered output may drain.
    /// </summary>
    Task StopAsync(CancellationToken cancellationToken = default);
}
