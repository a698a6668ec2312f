using NerfEngine.Control.Ingress.EveStreamer;
using NerfEngine.Control.Ingress.Grpc;
using NerfEngine.Tests.ControlNode.Ingress.EveStreamer.Support;

namespace NerfEngine.Tests.ControlNode.Ingress.EveStreamer;

/// <summary>
/// The bounds on a node's streams over real HTTP/2: concurrent streams past the node's or a connection's limit are
/// RESOURCE_EXHAUSTED while the admitted ones carry on, and a stream that falls quiet for the idle timeout ends with
/// DEADLINE_EXCEEDED, keeps what it delivered, and frees its slot. Limits and timeouts are small so the tests are quick.
/// </summary>
public sealed class EveStreamerStreamLimitsTests
{
    private const string Token = EveStreamerTestHost.ShipperToken;

    [Fact]
    public async Task Streams_past_the_node_limit_are_RESOURCE_EXHAUSTED_and_a_freed_slot_is_served_again()
    {
        await using var host = await EveStreamerTestHost.StartAsync(s => s["Ingress:EveStreamer:MaxConcurrentStreams"] = "2");
        // One client per shipper: separate connections, so only the node-wide bound applies.
        using var first = new GrpcH2cClient(host.GrpcAddress);
        using var second = new GrpcH2cClient(host.GrpcAddress);
        using var third = new GrpcH2cClient(host.GrpcAddress);
        using var firstStream = new OpenStreamContent(GrpcFrames.Message(EveEvents.Flow("node-a-1")));
        using var secondStream = new OpenStreamContent(GrpcFrames.Message(EveEvents.Flow("node-b-1")));
        var firstCall = first.CallAsync(firstStream, Token);
        var secondCall = second.CallAsync(secondStream, Token);
        await Poll.UntilAsync(() => host.Sink.WithIdPrefix("node-").Count == 2);

        var refused = await third.StreamAsync(Token, EveEvents.Flow("node-c-1"));

        Assert.Equal((int)GrpcStatusCode.ResourceExhausted, refused.Status);
        Assert.True(refused.TrailersOnly);
        Assert.Equal("this node already serves 2 eve-streamer streams, its limit (Ingress:EveStreamer:MaxConcurrentStreams); retry later", refused.Message);
        Assert.Empty(host.Sink.WithIdPrefix("node-c-"));
        Assert.Equal(1, host.Metrics.Refused(StreamLimit.Node));
        Assert.Equal(1, host.Metrics.Calls(GrpcStatusCode.ResourceExhausted));

        // The admitted streams were not disturbed: the first goes on and ends normally, which frees its slot.
        firstStream.Send(GrpcFrames.Message(EveEvents.Flow("node-a-2")));
        firstStream.Finish();
        var firstReply = await firstCall;
        Assert.Equal((int)GrpcStatusCode.Ok, firstReply.Status);
        Assert.Equal(2UL, firstReply.Summary!.Accepted);

        var retried = await third.StreamAsync(Token, EveEvents.Flow("node-c-2"));
        Assert.Equal((int)GrpcStatusCode.Ok, retried.Status);
        Assert.Single(host.Sink.WithIdPrefix("node-c-2"));

        secondStream.Finish();
        Assert.Equal((int)GrpcStatusCode.Ok, (await secondCall).Status);
        using var http = new HttpClient { BaseAddress = host.ManagementAddress };
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("nerf_eve_streamer_streams_refused_total{limit=\"node\"} 1", metrics);
        Assert.Contains("nerf_eve_streamer_streams_refused_total{limit=\"connection\"} 0", metrics);
        Assert.Contains("nerf_eve_streamer_calls_total{status=\"RESOURCE_EXHAUSTED\"} 1", metrics);
    }

    [Fact]
    public async Task A_connection_past_its_stream_limit_is_refused_while_another_connection_is_served()
    {
        await using var host = await EveStreamerTestHost.StartAsync(s => s["Ingress:EveStreamer:MaxConcurrentStreamsPerConnection"] = "1");
        using var busy = new GrpcH2cClient(host.GrpcAddress);
        using var other = new GrpcH2cClient(host.GrpcAddress);
        using var open = new OpenStreamContent(GrpcFrames.Message(EveEvents.Flow("conn-a-1")));
        var openCall = busy.CallAsync(open, Token);
        await Poll.UntilAsync(() => host.Sink.WithIdPrefix("conn-a-").Count == 1);

        // HttpClient multiplexes this call onto the connection that already carries the open stream.
        var refused = await busy.StreamAsync(Token, EveEvents.Flow("conn-b-1"));
        var served = await other.StreamAsync(Token, EveEvents.Flow("conn-c-1"));

        Assert.Equal((int)GrpcStatusCode.ResourceExhausted, refused.Status);
        Assert.Contains("this connection already carries 1 eve-streamer streams, the limit per connection (Ingress:EveStreamer:MaxConcurrentStreamsPerConnection)", refused.Message);
        Assert.Empty(host.Sink.WithIdPrefix("conn-b-"));
        Assert.Equal((int)GrpcStatusCode.Ok, served.Status);
        Assert.Equal(1, host.Metrics.Refused(StreamLimit.Connection));
        Assert.Equal(0, host.Metrics.Refused(StreamLimit.Node));

        open.Finish();
        Assert.Equal((int)GrpcStatusCode.Ok, (await openCall).Status);
        var afterwards = await busy.StreamAsync(Token, EveEvents.Flow("conn-b-2"));
        Assert.Equal((int)GrpcStatusCode.Ok, afterwards.Status);
    }

    [Fact]
    public async Task A_stream_quiet_for_the_idle_timeout_ends_with_DEADLINE_EXCEEDED_keeps_its_events_and_frees_its_slot()
    {
        await using var host = await EveStreamerTestHost.StartAsync(s =>
        {
            s["Ingress:EveStreamer:MessageIdleTimeout"] = "00:00:00.300";
            s["Ingress:EveStreamer:MaxConcurrentStreams"] = "1";
        });
        using var client = new GrpcH2cClient(host.GrpcAddress);
        using var quiet = new OpenStreamContent(GrpcFrames.Of(GrpcFrames.Message(EveEvents.Flow("idle-1")), GrpcFrames.Message(EveEvents.Flow("idle-2"))));

        var reply = await client.CallAsync(quiet, Token);

        Assert.Equal((int)GrpcStatusCode.DeadlineExceeded, reply.Status);
        Assert.True(reply.TrailersOnly);
        Assert.Equal(
            "no message for 300 ms (Ingress:EveStreamer:MessageIdleTimeout): the server ended the idle stream; open a new one to send more " +
            "(before it: 2 events accepted, 0 rejected)",
            reply.Message);
        Assert.Equal(["idle-1", "idle-2"], host.Sink.WithIdPrefix("idle-").Select(e => e.EventId));
        Assert.Equal(1, host.Metrics.IdleTimeouts);
        Assert.Equal(1, host.Metrics.Calls(GrpcStatusCode.DeadlineExceeded));

        // The only slot is free again.
        var next = await client.StreamAsync(Token, EveEvents.Flow("after-idle-1"));
        Assert.Equal((int)GrpcStatusCode.Ok, next.Status);
        using var http = new HttpClient { BaseAddress = host.ManagementAddress };
        Assert.Contains("nerf_eve_streamer_idle_timeouts_total 1", await http.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task Bytes_of_an_unfinished_message_do_not_hold_off_the_idle_timeout()
    {
        await using var host = await EveStreamerTestHost.StartAsync(s => s["Ingress:EveStreamer:MessageIdleTimeout"] = "00:00:00.500");
        using var client = new GrpcH2cClient(host.GrpcAddress);
        // A header declaring 100 bytes, then a byte now and then: never a whole message.
        using var trickle = new OpenStreamContent(GrpcFrames.Raw(0, 100, [0x0a]));
        var call = client.CallAsync(trickle, Token);
        for (var i = 0; i < 8 && !call.IsCompleted; i++)
        {
            await Task.Delay(100);
            trickle.Send([0x61]);
        }

        var reply = await call;

        Assert.Equal((int)GrpcStatusCode.DeadlineExceeded, reply.Status);
        Assert.StartsWith("no message for 500 ms (Ingress:EveStreamer:MessageIdleTimeout)", reply.Message);
        Assert.DoesNotContain("before it", reply.Message);
        Assert.Equal(1, host.Metrics.IdleTimeouts);
    }

    [Fact]
    public async Task Messages_closer_together_than_the_idle_timeout_keep_a_long_stream_open()
    {
        await using var host = await EveStreamerTestHost.StartAsync(s => s["Ingress:EveStreamer:MessageIdleTimeout"] = "00:00:01");
        using var client = new GrpcH2cClient(host.GrpcAddress);
        using var paced = new OpenStreamContent(GrpcFrames.Message(EveEvents.Flow("paced-1", 1)));
        var call = client.CallAsync(paced, Token);
        // Eight messages 200 ms apart: the stream lives well past one idle timeout.
        for (var n = 2; n <= 8; n++)
        {
            await Task.Delay(200);
            paced.Send(GrpcFrames.Message(EveEvents.Flow($"paced-{n}", n)));
        }

        paced.Finish();
        var reply = await call;

        Assert.Equal((int)GrpcStatusCode.Ok, reply.Status);
        Assert.Equal(8UL, reply.Summary!.Accepted);
        Assert.Equal(0, host.Metrics.IdleTimeouts);
    }

    [Fact]
    public void Concurrent_admissions_never_exceed_the_bounds_and_a_slot_is_released_once()
    {
        var admission = new StreamAdmission(new EveStreamerOptions { MaxConcurrentStreams = 5, MaxConcurrentStreamsPerConnection = 3 });
        var connections = Enumerable.Range(0, 4).Select(_ => new ConnectionStreams()).ToArray();
        var slots = new System.Collections.Concurrent.ConcurrentBag<StreamAdmission.StreamSlot>();

        Parallel.For(0, 400, i =>
        {
            if (admission.TryAdmit(connections[i % connections.Length], out var slot, out _))
            {
                slots.Add(slot);
            }
        });

        Assert.Equal(5, slots.Count);
        Assert.Equal(5, admission.Active);
        Assert.False(admission.TryAdmit(new ConnectionStreams(), out _, out var refusedBy));
        Assert.Equal(StreamLimit.Node, refusedBy);
        var one = slots.First();
        one.Dispose();
        one.Dispose();
        Assert.Equal(4, admission.Active);
        foreach (var slot in slots)
        {
            slot.Dispose();
        }

        Assert.Equal(0, admission.Active);
        var full = new ConnectionStreams();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(admission.TryAdmit(full, out _, out _));
        }

        Assert.False(admission.TryAdmit(full, out _, out refusedBy));
        Assert.Equal(StreamLimit.Connection, refusedBy);
        Assert.Equal(3, admission.Active);
    }
}
