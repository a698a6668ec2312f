using System.Net;
using Google.Protobuf;
using NerfEngine.Control.Ingress.EveStreamer;
using NerfEngine.Control.Ingress.Grpc;
using NerfEngine.Control.LiveIngest;
using NerfEngine.Shared.Messages.EveStreamer;
using NerfEngine.Tests.ControlNode.Ingress.EveStreamer.Support;

namespace NerfEngine.Tests.ControlNode.Ingress.EveStreamer;

/// <summary>
/// Good and partly good streams over real HTTP/2: every event reaches the live-ingest queue as a LiveEvent, every
/// event that does not is counted and named in the StreamSummary, and the counters on /metrics agree.
/// </summary>
public sealed class EveStreamerStreamTests
{
    [Fact]
    public async Task Every_event_of_a_stream_reaches_the_live_ingest_queue_with_its_entities_and_the_summary_counts_them()
    {
        await using var host = await EveStreamerTestHost.StartAsync();
        using var client = new GrpcH2cClient(host.GrpcAddress);
        var events = Enumerable.Range(1, 50).Select(n => EveEvents.Flow($"good-{n}", n, type: n % 2 == 0 ? " Flow " : "DNS")).ToArray();

        var reply = await client.StreamAsync(EveStreamerTestHost.ShipperToken, events);

        Assert.Equal(HttpStatusCode.OK, reply.HttpStatus);
        Assert.Equal("application/grpc", reply.ContentType);
        Assert.False(reply.TrailersOnly);
        Assert.Equal((int)GrpcStatusCode.Ok, reply.Status);
        Assert.Equal(50UL, reply.Summary!.Accepted);
        Assert.Equal(0UL, reply.Summary.Rejected);
        Assert.Equal("accepted 50 of 50 events (queued 50)", reply.Summary.Message);

        var received = host.Sink.Events;
        Assert.Equal(events.Select(e => e.EventId), received.Select(e => e.EventId));
        var third = received[2];
        Assert.Equal("grpc:shipper", third.Source);
        Assert.Equal("dns", third.Type);
        Assert.Equal("flow", received[1].Type);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(EveEvents.BaseMillis + 3), third.Timestamp);
        Assert.Equal(
            [new("src_ip", "10.0.0.3"), new("dest_ip", "10.0.1.1"), new("dest_port", "443"), new("proto", "TCP")],
            third.Entities);
        Assert.Equal("10.0.0.3", third.Entity("SRC_IP"));
    }

    [Fact]
    public async Task A_shipper_whose_token_is_configured_as_a_sha256_digest_is_accepted_under_its_own_name()
    {
        await using var host = await EveStreamerTestHost.StartAsync();
        using var client = new GrpcH2cClient(host.GrpcAddress);

        var reply = await client.StreamAsync(EveStreamerTestHost.HashedShipperToken, EveEvents.Flow("hashed-1"));

        Assert.Equal((int)GrpcStatusCode.Ok, reply.Status);
        Assert.Equal("grpc:hashed", Assert.Single(host.Sink.Events).Source);
    }

    [Fact]
    public async Task Invalid_events_are_rejected_counted_and_named_while_the_valid_ones_go_through()
    {
        await using var host = await EveStreamerTestHost.StartAsync(s => s["Ingress:EveStreamer:MaxEntitiesPerEvent"] = "4");
        using var client = new GrpcH2cClient(host.GrpcAddress);
        var tooMany = EveEvents.Flow("too-many", 5);
        tooMany.Entities.Add(new Entity { Key = "app_proto", Value = "tls" });
        var emptyKey = EveEvents.Flow("empty-key", 6);
        emptyKey.Entities[1].Key = "";
        var future = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds();

        var reply = await client.StreamAsync(EveStreamerTestHost.ShipperToken,
            EveEvents.Flow("ok-1", 1),
            EveEvents.Flow("no-type", 2, type: "  "),
            EveEvents.Flow("seconds", 3, timestamp: EveEvents.BaseMillis / 1000),
            EveEvents.Flow("future", 4, timestamp: future),
            tooMany,
            emptyKey,
            EveEvents.Flow("ok-2", 7),
            EveEvents.Flow("huge-ts", 8, timestamp: long.MaxValue));

        Assert.Equal((int)GrpcStatusCode.Ok, reply.Status);
        Assert.Equal(2UL, reply.Summary!.Accepted);
        Assert.Equal(6UL, reply.Summary.Rejected);
        var message = reply.Summary.Message;
        Assert.StartsWith("accepted 2 of 8 events (queued 2); rejected 6: ", message);
        Assert.Contains("event #2 (id no-type): type is empty", message);
        Assert.Contains("event #3 (id seconds): timestamp 1767225600 is before 2000-01-01T00:00:00Z (it must be Unix epoch milliseconds)", message);
        Assert.Contains("event #4 (id future): timestamp", message);
        Assert.Contains("event #5 (id too-many): 5 entities, more than the limit of 4", message);
        Assert.Contains("event #6 (id empty-key): entity 2 has an empty key", message);
        Assert.EndsWith("; and 1 more", message);
        Assert.Equal(["ok-1", "ok-2"], host.Sink.Events.Select(e => e.EventId));

        Assert.Equal(1, host.Metrics.Rejected(EventRejectionReason.EmptyType));
        Assert.Equal(1, host.Metrics.Rejected(EventRejectionReason.TimestampTooEarly));
        Assert.Equal(2, host.Metrics.Rejected(EventRejectionReason.TimestampInFuture));
        Assert.Equal(1, host.Metrics.Rejected(EventRejectionReason.TooManyEntities));
        Assert.Equal(1, host.Metrics.Rejected(EventRejectionReason.EmptyEntityKey));
        Assert.Equal(2, host.Metrics.Accepted);
    }

    [Fact]
    public async Task The_queue_s_answers_are_reported_drops_count_as_accepted_and_unmappable_events_as_rejected()
    {
        await using var host = await EveStreamerTestHost.StartAsync();
        host.Sink.Decide = e => e.EventId switch
        {
            "noisy" => LiveOfferOutcome.DroppedAboveBaseline,
            "stale" => LiveOfferOutcome.DroppedLowNovelty,
            "full" => LiveOfferOutcome.DroppedQueueFull,
            "no-addresses" => LiveOfferOutcome.Unmappable,
            _ => LiveOfferOutcome.Queued,
        };
        using var client = new GrpcH2cClient(host.GrpcAddress);

        var reply = await client.StreamAsync(EveStreamerTestHost.ShipperToken,
            EveEvents.Flow("fresh", 1), EveEvents.Flow("noisy", 2), EveEvents.Flow("stale", 3), EveEvents.Flow("full", 4), EveEvents.Flow("no-addresses", 5));

        Assert.Equal((int)GrpcStatusCode.Ok, reply.Status);
        Assert.Equal(4UL, reply.Summary!.Accepted);
        Assert.Equal(1UL, reply.Summary.Rejected);
        Assert.Equal(
            "accepted 4 of 5 events (queued 1; dropped by the live-ingest queue: 1 above the type's baseline, 1 low novelty, 1 queue full); " +
            "rejected 1: event #5 (id no-addresses): no usable addresses in its entities: the live-ingest queue cannot turn it into an edge",
            reply.Summary.Message);
        foreach (var outcome in Enum.GetValues<LiveOfferOutcome>())
        {
            Assert.Equal(1, host.Metrics.Offered(outcome));
        }

        Assert.Equal(1, host.Metrics.Rejected(EventRejectionReason.Unmappable));
    }

    [Fact]
    public async Task Gzip_and_deflate_compressed_messages_are_read()
    {
        await using var host = await EveStreamerTestHost.StartAsync();
        using var client = new GrpcH2cClient(host.GrpcAddress);
        var gzip = EveStreamerBadInputTests.Gzip(EveEvents.Flow("gzip-1").ToByteArray());
        var plain = GrpcFrames.Message(EveEvents.Flow("gzip-2"));

        var gzipped = await client.CallAsync(GrpcFrames.Of(GrpcFrames.Raw(1, (uint)gzip.Length, gzip), plain), EveStreamerTestHost.ShipperToken,
            metadata: new Dictionary<string, string> { ["grpc-encoding"] = "gzip" });
        var deflate = Zlib(EveEvents.Flow("deflate-1").ToByteArray());
        var deflated = await client.CallAsync(GrpcFrames.Raw(1, (uint)deflate.Length, deflate), EveStreamerTestHost.ShipperToken,
            metadata: new Dictionary<string, string> { ["grpc-encoding"] = "deflate" });

        Assert.Equal((int)GrpcStatusCode.Ok, gzipped.Status);
        Assert.Equal(2UL, gzipped.Summary!.Accepted);
        Assert.Equal((int)GrpcStatusCode.Ok, deflated.Status);
        Assert.Equal(["gzip-1", "gzip-2", "deflate-1"], host.Sink.Events.Select(e => e.EventId));
        Assert.Equal("10.0.0.1", host.Sink.Events[0].Entity("src_ip"));
        Assert.Equal(2, host.Metrics.CompressedMessages);
    }

    private static byte[] Zlib(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(output, System.IO.Compression.CompressionLevel.Fastest))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    [Fact]
    public async Task An_empty_stream_is_answered_with_an_empty_summary()
    {
        await using var host = await EveStreamerTestHost.StartAsync();
        using var client = new GrpcH2cClient(host.GrpcAddress);

        var reply = await client.CallAsync([], EveStreamerTestHost.ShipperToken);

        Assert.Equal((int)GrpcStatusCode.Ok, reply.Status);
        Assert.Equal(0UL, reply.Summary!.Accepted);
        Assert.Equal("accepted 0 of 0 events (queued 0)", reply.Summary.Message);
    }

    [Fact]
    public async Task Calls_are_counted_by_grpc_status_on_the_metrics_endpoint()
    {
        await using var host = await EveStreamerTestHost.StartAsync();
        using var client = new GrpcH2cClient(host.GrpcAddress);

        await client.StreamAsync(EveStreamerTestHost.ShipperToken, EveEvents.Flow("m-1"), EveEvents.Flow("m-2"));
        await client.StreamAsync("wrong", EveEvents.Flow("m-3"));
        await client.StreamAsync(null, EveEvents.Flow("m-4"));
        await client.CallAsync(GrpcFrames.Raw(0, 3, [0x12, 0x64, 0x61]), EveStreamerTestHost.ShipperToken);
        // A call is counted when its handler returns, which can be just after the client has read the trailers.
        await Poll.UntilAsync(() => host.Metrics.Active == 0);

        Assert.Equal(1, host.Metrics.Calls(GrpcStatusCode.Ok));
        Assert.Equal(2, host.Metrics.Calls(GrpcStatusCode.Unauthenticated));
        Assert.Equal(1, host.Metrics.Calls(GrpcStatusCode.InvalidArgument));
        Assert.Equal(0, host.Metrics.Active);
        using var http = new HttpClient { BaseAddress = host.ManagementAddress };
        var text = await http.GetStringAsync("/metrics");
        Assert.Contains("nerf_eve_streamer_calls_total{status=\"UNAUTHENTICATED\"} 2", text);
        Assert.Contains("nerf_eve_streamer_calls_total{status=\"OK\"} 1", text);
        Assert.Contains("nerf_eve_streamer_events_total{outcome=\"accepted\"} 2", text);
        Assert.Contains("nerf_eve_streamer_events_offered_total{outcome=\"queued\"} 2", text);
        Assert.Contains("nerf_eve_streamer_messages_total 3", text);
    }

    [Fact]
    public async Task The_ingress_port_serves_only_grpc_and_the_management_port_never_serves_the_ingress()
    {
        await using var host = await EveStreamerTestHost.StartAsync();
        using var grpc = new GrpcH2cClient(host.GrpcAddress);
        using var management = new HttpClient { BaseAddress = host.ManagementAddress };

        var metricsOverGrpc = await grpc.CallAsync([], EveStreamerTestHost.ShipperToken, path: "/metrics");
        var ingressOverManagement = await management.PostAsync(EventStreamerService.StreamEventsPath,
            new ByteArrayContent(GrpcFrames.Message(EveEvents.Flow("wrong-port"))) { Headers = { ContentType = new("application/grpc") } });

        Assert.Equal((int)GrpcStatusCode.Unimplemented, metricsOverGrpc.Status);
        Assert.Equal(HttpStatusCode.NotFound, ingressOverManagement.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await management.GetAsync("/alive")).StatusCode);
        Assert.Empty(host.Sink.Events);
    }
}
