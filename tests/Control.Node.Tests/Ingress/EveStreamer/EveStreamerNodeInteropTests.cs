using System.Text.Json.Nodes;
using NerfEngine.Control.Ingress.Grpc;
using NerfEngine.Tests.ControlNode.Ingress.EveStreamer.Support;
using NerfEngine.Tests.ControlNode.Support;
using Xunit.Abstractions;

namespace NerfEngine.Tests.ControlNode.Ingress.EveStreamer;

/// <summary>
/// An independent gRPC client — npm's @grpc/grpc-js with proto/eve_streamer.proto loaded by @grpc/proto-loader, and
/// Node's http2 module for broken frames (tests/interop/grpc) — streams events to a real ingress over cleartext
/// HTTP/2; the events arrive at the live-ingest queue with their entities.
/// </summary>
public sealed class EveStreamerNodeInteropTests(ITestOutputHelper output)
{
    private const int EventCount = 200;

    [Fact]
    public async Task Grpc_js_streams_events_that_arrive_with_their_entities_and_gets_the_right_status_for_every_bad_call()
    {
        var script = Path.Combine(ExternalProcess.RepoRoot(), "tests", "interop", "grpc");
        await using var host = await EveStreamerTestHost.StartAsync();
        await ExternalProcess.NpmCiAsync(script, Path.Combine("@grpc", "grpc-js"));

        var run = await ExternalProcess.RunAsync(script, TimeSpan.FromMinutes(2),
            new Dictionary<string, string>
            {
                ["GRPC_TARGET"] = host.GrpcTarget,
                ["GRPC_TOKEN"] = EveStreamerTestHost.ShipperToken,
                ["EVENT_COUNT"] = EventCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["RUN_ID"] = "node",
            },
            "node", "client.mjs");
        output.WriteLine(run.Stdout);
        output.WriteLine(run.Stderr);
        Assert.True(run.ExitCode == 0, $"interop client failed: {run.Stdout}\n{run.Stderr}");
        var report = JsonNode.Parse(run.Stdout.Trim().Split('\n')[^1])!;
        Assert.True(report["ok"]!.GetValue<bool>());
        Assert.Equal(9, report["checks"]!.AsArray().Count);

        var good = host.Sink.WithIdPrefix("node-good-");
        Assert.Equal(EventCount, good.Count);
        Assert.Equal(Enumerable.Range(1, EventCount).Select(n => $"node-good-{n}"), good.Select(e => e.EventId));
        var e42 = good[41];
        Assert.Equal("grpc:shipper", e42.Source);
        Assert.Equal("dns", e42.Type);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(EveEvents.BaseMillis + 42), e42.Timestamp);
        Assert.Equal([new("src_ip", "10.1.0.42"), new("dest_ip", "10.2.0.1"), new("dest_port", "1042"), new("proto", "TCP")], e42.Entities);
        Assert.Equal(2, host.Sink.WithIdPrefix("node-gzip-").Count);
        Assert.Equal(2, host.Metrics.CompressedMessages);
        Assert.Empty(host.Sink.WithIdPrefix("node-denied-"));
        Assert.Single(host.Sink.WithIdPrefix("node-after-"));
        Assert.Equal(["node-mixed-1", "node-mixed-3"], host.Sink.WithIdPrefix("node-mixed-").Select(e => e.EventId));

        // A call is counted when its handler returns, which can be just after the client has read the trailers.
        await Poll.UntilAsync(() => host.Metrics.Active == 0);
        output.WriteLine(string.Join(", ", Enum.GetValues<GrpcStatusCode>().Select(c => $"{c}={host.Metrics.Calls(c)}")));
        Assert.Equal(1, host.Metrics.Calls(GrpcStatusCode.Unauthenticated));
        Assert.Equal(1, host.Metrics.Calls(GrpcStatusCode.InvalidArgument));
        Assert.Equal(1, host.Metrics.Calls(GrpcStatusCode.Internal));
        // The stream left open past its deadline ends at the server as DEADLINE_EXCEEDED (server timer first), CANCELLED
        // (grpc-js's reset first) or, seen on a loaded machine, OK (an end of stream reached the server before the
        // reset did); grpc-js reports DEADLINE_EXCEEDED in every case, as the protocol lets a client do.
        Assert.Equal(5, host.Metrics.Calls(GrpcStatusCode.Ok) + host.Metrics.Calls(GrpcStatusCode.DeadlineExceeded) + host.Metrics.Calls(GrpcStatusCode.Cancelled));
        Assert.InRange(host.Metrics.Calls(GrpcStatusCode.Ok), 4, 5);
        Assert.Single(host.Sink.WithIdPrefix("node-late-"));
    }
}
