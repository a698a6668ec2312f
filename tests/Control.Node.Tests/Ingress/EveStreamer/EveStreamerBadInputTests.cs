using System.IO.Compression;
using System.Net;
using Google.Protobuf;
using NerfEngine.Control.Ingress.Grpc;
using NerfEngine.Shared.Messages.EveStreamer;
using NerfEngine.Tests.ControlNode.Ingress.EveStreamer.Support;

namespace NerfEngine.Tests.ControlNode.Ingress.EveStreamer;

/// <summary>
/// Every kind of bad call over real HTTP/2 to a real Kestrel ingress gets the grpc-status gRPC prescribes, with a
/// readable grpc-message, and the next good stream on the same server still works.
/// </summary>
public sealed class EveStreamerBadInputTests(EveStreamerHostFixture fixture) : IClassFixture<EveStreamerHostFixture>
{
    private const string Token = EveStreamerTestHost.ShipperToken;

    /// <summary>Bytes that cannot be an Event: field 2 (type) declares 100 bytes and only one follows.</summary>
    private static readonly byte[] NotAnEvent = [0x12, 0x64, 0x61];

    public static TheoryData<string> Scenarios => new()
    {
        "missing token", "wrong token", "not a bearer token", "malformed protobuf after a good event", "oversize message",
        "compressed flag without grpc-encoding", "compressed flag with unsupported grpc-encoding", "compressed flag 2",
        "corrupt gzip", "stream ends inside the header", "stream ends inside the payload", "wrong content-type",
        "unknown method", "unknown service", "malformed grpc-timeout",
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task A_bad_call_gets_the_right_grpc_status_and_the_server_keeps_serving(string scenario)
    {
        var host = fixture.Host;
        using var client = new GrpcH2cClient(host.GrpcAddress);
        var id = $"bad-{scenario.Replace(' ', '-')}";
        var (expectedHttp, expected, messagePart, reply) = scenario switch
        {
            "missing token" => (HttpStatusCode.OK, GrpcStatusCode.Unauthenticated, "missing bearer token",
                await client.StreamAsync(null, EveEvents.Flow($"{id}-1"))),
            "wrong token" => (HttpStatusCode.OK, GrpcStatusCode.Unauthenticated, "invalid bearer token",
                await client.StreamAsync("not-the-token", EveEvents.Flow($"{id}-1"))),
            "not a bearer token" => (HttpStatusCode.OK, GrpcStatusCode.Unauthenticated, "invalid bearer token",
                await client.CallAsync(GrpcFrames.Message(EveEvents.Flow($"{id}-1")), null,
                    metadata: new Dictionary<string, string> { ["authorization"] = $"Basic {Token}" })),
            "malformed protobuf after a good event" => (HttpStatusCode.OK, GrpcStatusCode.InvalidArgument,
                "message #2 (3 bytes) is not a valid eve_streamer.Event",
                await client.CallAsync(GrpcFrames.Of(GrpcFrames.Message(EveEvents.Flow($"{id}-1")), GrpcFrames.Raw(0, 3, NotAnEvent)), Token)),
            "oversize message" => (HttpStatusCode.OK, GrpcStatusCode.ResourceExhausted, "message #1 is 4194305 bytes, more than the limit of 4194304",
                await client.CallAsync(GrpcFrames.Raw(0, (4 * 1024 * 1024) + 1, new byte[16]), Token)),
            "compressed flag without grpc-encoding" => (HttpStatusCode.OK, GrpcStatusCode.Internal, "compressed flag set, but the call declares no grpc-encoding",
                await client.CallAsync(Compressed(EveEvents.Flow($"{id}-1")), Token)),
            "compressed flag with unsupported grpc-encoding" => (HttpStatusCode.OK, GrpcStatusCode.Unimplemented, "grpc-encoding 'snappy' is not supported",
                await client.CallAsync(Compressed(EveEvents.Flow($"{id}-1")), Token, metadata: new Dictionary<string, string> { ["grpc-encoding"] = "snappy" })),
            "compressed flag 2" => (HttpStatusCode.OK, GrpcStatusCode.Internal, "message #1 has compressed flag 2",
                await client.CallAsync(GrpcFrames.Raw(2, 3, [1, 2, 3]), Token)),
            "corrupt gzip" => (HttpStatusCode.OK, GrpcStatusCode.Internal, "message #1 is not valid gzip data",
                await client.CallAsync(GrpcFrames.Raw(1, 4, [1, 2, 3, 4]), Token, metadata: new Dictionary<string, string> { ["grpc-encoding"] = "gzip" })),
            "stream ends inside the header" => (HttpStatusCode.OK, GrpcStatusCode.Internal, "the stream ended inside message #2: only 3 of its 5 header bytes arrived",
                await client.CallAsync(GrpcFrames.Of(GrpcFrames.Message(EveEvents.Flow($"{id}-1")), [0, 0, 0]), Token)),
            "stream ends inside the payload" => (HttpStatusCode.OK, GrpcStatusCode.Internal, "the stream ended inside message #1: only 3 of the 50 bytes its header declares arrived",
                await client.CallAsync(GrpcFrames.Raw(0, 50, [0x0a, 0x01, 0x61]), Token)),
            "wrong content-type" => (HttpStatusCode.UnsupportedMediaType, GrpcStatusCode.Internal, "content-type 'application/json' is not application/grpc",
                await client.CallAsync(GrpcFrames.Message(EveEvents.Flow($"{id}-1")), Token, contentType: "application/json")),
            "unknown method" => (HttpStatusCode.OK, GrpcStatusCode.Unimplemented, "method /eve_streamer.EventStreamer/StreamAlerts is not implemented",
                await client.CallAsync(GrpcFrames.Message(EveEvents.Flow($"{id}-1")), Token, path: "/eve_streamer.EventStreamer/StreamAlerts")),
            "unknown service" => (HttpStatusCode.OK, GrpcStatusCode.Unimplemented, "method /grpc.health.v1.Health/Check is not implemented",
                await client.CallAsync([0, 0, 0, 0, 0], Token, path: "/grpc.health.v1.Health/Check")),
            "malformed grpc-timeout" => (HttpStatusCode.OK, GrpcStatusCode.Internal, "malformed grpc-timeout '10x'",
                await client.CallAsync(GrpcFrames.Message(EveEvents.Flow($"{id}-1")), Token, metadata: new Dictionary<string, string> { ["grpc-timeout"] = "10x" })),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null),
        };

        Assert.Equal(expectedHttp, reply.HttpStatus);
        Assert.Equal("application/grpc", reply.ContentType);
        Assert.True((int)expected == reply.Status, $"{scenario}: expected {expected}, got {reply.Status} {reply.Message}");
        Assert.Contains(messagePart, reply.Message);
        Assert.True(reply.TrailersOnly, $"{scenario}: an early error is a Trailers-Only response");
        Assert.Null(reply.Summary);
        Assert.Equal(GrpcMessageEncoding.Accepted, reply.AcceptEncoding);
        if (scenario == "malformed protobuf after a good event")
        {
            // The good event before the broken one was already handed on, and the message says so.
            Assert.Single(host.Sink.WithIdPrefix($"{id}-1"));
            Assert.Contains("before it: 1 events accepted, 0 rejected", reply.Message);
        }
        else if (scenario is "stream ends inside the header")
        {
            Assert.Single(host.Sink.WithIdPrefix($"{id}-1"));
        }
        else
        {
            Assert.Empty(host.Sink.WithIdPrefix(id));
        }

        var good = await client.StreamAsync(Token, EveEvents.Flow($"after-{id}-1", 1), EveEvents.Flow($"after-{id}-2", 2));
        Assert.Equal((int)GrpcStatusCode.Ok, good.Status);
        Assert.Equal(2UL, good.Summary!.Accepted);
        Assert.Equal(2, host.Sink.WithIdPrefix($"after-{id}-").Count);
    }

    [Fact]
    public async Task An_expired_grpc_timeout_ends_an_open_stream_with_DEADLINE_EXCEEDED()
    {
        var host = fixture.Host;
        using var client = new GrpcH2cClient(host.GrpcAddress);
        using var neverEnds = new OpenStreamContent(GrpcFrames.Message(EveEvents.Flow("deadline-1")));
        var started = System.Diagnostics.Stopwatch.StartNew();

        var reply = await client.CallAsync(neverEnds, Token, metadata: new Dictionary<string, string> { ["grpc-timeout"] = "300m" });

        Assert.Equal((int)GrpcStatusCode.DeadlineExceeded, reply.Status);
        Assert.Contains("deadline of 300 ms (grpc-timeout) exceeded", reply.Message);
        Assert.Contains("before it: 1 events accepted", reply.Message);
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(250), $"answered after {started.Elapsed}, before the deadline");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"answered after {started.Elapsed}");
        Assert.Single(host.Sink.WithIdPrefix("deadline-1"));

        var good = await client.StreamAsync(Token, EveEvents.Flow("after-deadline-1"));
        Assert.Equal((int)GrpcStatusCode.Ok, good.Status);
        Assert.Single(host.Sink.WithIdPrefix("after-deadline-1"));
    }

    [Fact]
    public async Task A_stream_the_client_cancels_is_counted_as_CANCELLED_not_OK()
    {
        await using var host = await EveStreamerTestHost.StartAsync();
        using var client = new GrpcH2cClient(host.GrpcAddress);
        using var neverEnds = new OpenStreamContent(GrpcFrames.Message(EveEvents.Flow("cancelled-1")));
        using var cancel = new CancellationTokenSource();
        var call = client.CallAsync(neverEnds, Token, cancellationToken: cancel.Token);
        await Poll.UntilAsync(() => host.Sink.WithIdPrefix("cancelled-1").Count == 1);

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await Poll.UntilAsync(() => host.Metrics.Active == 0);
        Assert.Equal(1, host.Metrics.Calls(GrpcStatusCode.Cancelled));
        Assert.Equal(0, host.Metrics.Calls(GrpcStatusCode.Ok));
    }

    [Fact]
    public async Task A_generous_grpc_timeout_does_not_cut_a_stream_that_ends_in_time()
    {
        using var client = new GrpcH2cClient(fixture.Host.GrpcAddress);
        var reply = await client.CallAsync(GrpcFrames.Message(EveEvents.Flow("in-time-1")), Token,
            metadata: new Dictionary<string, string> { ["grpc-timeout"] = "30S" });
        Assert.Equal((int)GrpcStatusCode.Ok, reply.Status);
        Assert.Equal(1UL, reply.Summary!.Accepted);
    }

    [Fact]
    public async Task A_message_that_inflates_past_the_limit_is_RESOURCE_EXHAUSTED()
    {
        var host = fixture.Host;
        using var client = new GrpcH2cClient(host.GrpcAddress);
        var e = EveEvents.Flow("bomb-1");
        e.Entities.Add(new Entity { Key = "payload", Value = new string('a', 5 * 1024 * 1024) });
        var compressed = Gzip(e.ToByteArray());
        Assert.True(compressed.Length < 4 * 1024 * 1024);

        var reply = await client.CallAsync(GrpcFrames.Raw(1, (uint)compressed.Length, compressed), Token,
            metadata: new Dictionary<string, string> { ["grpc-encoding"] = "gzip" });

        Assert.Equal((int)GrpcStatusCode.ResourceExhausted, reply.Status);
        Assert.Contains("inflates to more than the limit of 4194304 bytes", reply.Message);
        Assert.Empty(host.Sink.WithIdPrefix("bomb-"));
    }

    private static byte[] Compressed(Event e)
    {
        var payload = Gzip(e.ToByteArray());
        return GrpcFrames.Raw(1, (uint)payload.Length, payload);
    }

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
