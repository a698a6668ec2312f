using System.Collections.Concurrent;
using NerfEngine.Sensor.Publishing;
using NerfEngine.Shared.Fabric.Metrics;

namespace NerfEngine.Sensor.Pipeline;

/// <summary>
/// Exposes the counters of every running capture engine on the node's metrics registry
/// (<c>/metrics</c>, OpenTelemetry), one labelled series per engine: the SPEC §2 capture statistics
/// and the publishing outcomes, including the drop counters <c>batches_dropped</c> and
/// <c>edges_dropped</c> as <c>nerf_publish_batches_total{outcome="dropped"}</c> and
/// <c>nerf_publish_edges_total{outcome="dropped"}</c>. Nothing is read until a scrape.
/// </summary>
public sealed class CaptureMetrics
{
    private readonly ConcurrentDictionary<string, Source> _sources = new(StringComparer.Ordinal);

    /// <summary>Registers the metrics (once per registry).</summary>
    public CaptureMetrics(NerfMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        Register(metrics, "nerf_capture_packets_total", "Frames received by the capture engine.", s => s.PacketsCaptured);
        Register(metrics, "nerf_capture_events_total", "Graph-edge records produced.", s => s.EventsEmitted);
        Register(metrics, "nerf_capture_parse_errors_total", "Frames counted as parse errors.", s => s.ParseErrors);
        Register(metrics, "nerf_capture_kernel_drops_total", "Packets the kernel dropped before the engine saw them.", s => s.KernelDrops);
        Register(metrics, "nerf_capture_freeze_queue_total", "Times the capture ring had no free block.", s => s.FreezeQueueCount);
        metrics.Register("nerf_publish_batches_total", MetricKind.Counter,
            "Edge batches by outcome: published, dropped (outbox full), rejected (transport), failed.",
            () => Outcomes(p => [p.BatchesPublished, p.BatchesDropped, p.BatchesRejected, p.BatchesFailed]));
        metrics.Register("nerf_publish_edges_total", MetricKind.Counter,
            "Edges in those batches by outcome: published, dropped, rejected, failed.",
            () => Outcomes(p => [p.EdgesPublished, p.EdgesDropped, p.EdgesRejected, 0]));
    }

    /// <summary>Starts reporting an engine; <paramref name="publishing"/> is null for engines that publish elsewhere.</summary>
    public void Add(ICaptureEngine engine, Func<PublishingStats>? publishing = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _sources[engine.Name] = new Source(engine, publishing);
    }

    /// <summary>Stops reporting an engine (after it stopped).</summary>
    public void Remove(ICaptureEngine engine) => _sources.TryRemove(engine.Name, out _);

    private void Register(NerfMetrics metrics, string name, string help, Func<CaptureStats, long> read) =>
        metrics.Register(name, MetricKind.Counter, help, () => _sources.Values
            .Select(s => new MetricSample(read(s.Engine.Stats), [new("engine", s.Engine.Name)]))
            .ToArray());

    private MetricSample[] Outcomes(Func<PublishingStats, long[]> read)
    {
        string[] outcomes = ["published", "dropped", "rejected", "failed"];
        var samples = new List<MetricSample>();
        foreach (Source source in _sources.Values)
        {
            if (source.Publishing?.Invoke() is { } stats)
            {
                long[] values = read(stats);
                for (int i = 0; i < outcomes.Length; i++)
                {
                    samples.Add(new MetricSample(values[i], [new("engine", source.Engine.Name), new("outcome", outcomes[i])]));
                }
            }
        }

        return [.. samples];
    }

    private sealed record Source(ICaptureEngine Engine, Func<PublishingStats>? Publishing);
}
