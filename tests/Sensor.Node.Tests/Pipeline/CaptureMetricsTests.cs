using NerfEngine.Sensor.Pipeline;
using NerfEngine.Shared.Fabric.Metrics;
using NerfEngine.Tests.SensorNode.Publishing;
using static NerfEngine.Tests.SensorNode.Flows.FlowScenario;

namespace NerfEngine.Tests.SensorNode.Pipeline;

public sealed class CaptureMetricsTests
{
    [Fact]
    public async Task A_scrape_shows_each_engines_capture_counters_and_publish_outcomes_including_drops()
    {
        using TemporaryCapture capture = TemporaryCapture.Write(
            Enumerable.Range(0, 5).Select(i => (At(i), UdpFrame("10.0.0.1", 1, "10.0.0.2", 2))));
        using var metrics = new NerfMetrics();
        var captureMetrics = new CaptureMetrics(metrics);
        await using var pipeline = new ReplayPipeline(ReplayOptions.For(capture.Path), new ScriptedPublisher());
        captureMetrics.Add(pipeline, () => pipeline.PublishingStats);
        await pipeline.StartAsync();
        ReplaySummary summary = await pipeline.Completion;

        string text = metrics.RenderPrometheusText();

        Assert.Contains("nerf_capture_packets_total{engine=\"replay:capture.pcap\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains($"nerf_capture_events_total{{engine=\"replay:capture.pcap\"}} {summary.Flows.TotalEdges}\n", text, StringComparison.Ordinal);
        Assert.Contains("nerf_capture_kernel_drops_total{engine=\"replay:capture.pcap\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("nerf_publish_batches_total{engine=\"replay:capture.pcap\",outcome=\"dropped\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains($"nerf_publish_edges_total{{engine=\"replay:capture.pcap\",outcome=\"published\"}} {summary.Flows.TotalEdges}\n", text, StringComparison.Ordinal);

        captureMetrics.Remove(pipeline);
        Assert.DoesNotContain("replay:capture.pcap", metrics.RenderPrometheusText(), StringComparison.Ordinal);
    }
}
