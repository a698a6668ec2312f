using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Cli;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Sensor.Publishing;
using NerfEngine.Shared.Fabric.Transport;
using NerfEngine.Shared.Messages.Records;
using NerfEngine.Tests.SensorNode.Publishing;
using NerfEngine.Tests.SensorNode.Support;
using static NerfEngine.Tests.SensorNode.Flows.FlowScenario;
using static NerfEngine.Tests.SensorNode.Support.Frames;

namespace NerfEngine.Tests.SensorNode.Pipeline;

public sealed class ReplayPipelineTests
{
    /// <summary>A small realistic trace: a TCP connection, DNS, an ARP and a runt frame, 10 ms apart.</summary>
    private static IEnumerable<(long, byte[])> Trace()
    {
        byte[][] frames =
        [
            TcpFrame("10.0.0.1", 40000, "10.0.0.2", 80, TcpFlags.Syn),
            TcpFrame("10.0.0.2", 80, "10.0.0.1", 40000, TcpFlags.Syn | TcpFlags.Ack),
            TcpFrame("10.0.0.1", 40000, "10.0.0.2", 80, TcpFlags.Ack, payload: 300),
            UdpFrame("10.0.0.1", 5353, "10.0.0.53", 53, payload: 40),
            Ethernet(EtherTypes.Arp, Arp()),
            UdpFrame("10.0.0.53", 53, "10.0.0.1", 5353, payload: 120),
            new byte[10],
            TcpFrame("10.0.0.2", 80, "10.0.0.1", 40000, TcpFlags.Ack | TcpFlags.Psh, payload: 1200),
            TcpFrame("10.0.0.1", 40000, "10.0.0.2", 80, TcpFlags.Fin | TcpFlags.Ack),
            TcpFrame("10.0.0.2", 80, "10.0.0.1", 40000, TcpFlags.Fin | TcpFlags.Ack),
            UdpFrame("fd00::1", 6000, "fd00::2", 7000, payload: 8),
        ];
        return frames.Select((frame, i) => (At(i * 10), frame));
    }

    [Fact]
    public async Task A_replay_publishes_every_edge_the_tracker_emitted_and_the_consumer_decodes_them_all()
    {
        using TemporaryCapture capture = TemporaryCapture.Write(Trace());
        await using var transport = new InProcessEdgeTransport(new InProcessTransportOptions(PartitionCount: 4));
        var delivered = new DeliveredEdgeCounter();
        await using IEdgeBatchSubscription subscription = await delivered.SubscribeAsync(transport, CancellationToken.None);

        ReplaySummary summary = await ReplayPipeline.RunAsync(ReplayOptions.For(capture.Path), transport);
        await transport.ShutdownAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);

        Assert.True(summary.Completed);
        Assert.Equal(11, summary.PacketsRead);
        Assert.Equal(8, summary.Outcome(ParseOutcome.Ipv4));
        Assert.Equal(1, summary.Outcome(ParseOutcome.Ipv6));
        Assert.Equal(1, summary.Outcome(ParseOutcome.NonIp));
        Assert.Equal(1, summary.Outcome(ParseOutcome.TruncatedEthernet));
        Assert.Equal(new CaptureStats(11, summary.Flows.TotalEdges, 1, 0, 0, null), summary.Capture);
        Assert.Equal(3, summary.Flows.FlowsCreated);
        Assert.Equal(0, summary.Flows.ActiveFlows);
        Assert.Equal(summary.Flows.TotalEdges, summary.Publishing.EdgesPublished);
        Assert.Equal(summary.Flows.TotalEdges, delivered.Edges);
        Assert.Equal(summary.Flows.NodeAddresses, delivered.NodeAddresses);
        Assert.Equal(summary.Publishing.BatchesPublished, delivered.Batches);
        Assert.Equal(0, summary.Publishing.BatchesDropped);

        Conversation tcp = Assert.Single(summary.Conversations, c => c.Protocol == IpProtocols.Tcp);
        Assert.Equal("10.0.0.1", tcp.Source.ToString());
        Assert.Equal((ushort)80, tcp.DestinationPort);
        Assert.Equal(3ul, tcp.Forward.Packets);
        Assert.Equal(3ul, tcp.Reverse.Packets);
        Assert.Equal(54ul + 354 + 54, tcp.Forward.FrameBytes);
    }

    [Fact]
    public async Task The_same_file_gives_the_same_batches_on_every_run()
    {
        using TemporaryCapture capture = TemporaryCapture.Write(Trace());

        async Task<string[]> RunOnce()
        {
            var publisher = new ScriptedPublisher();
            await ReplayPipeline.RunAsync(ReplayOptions.For(capture.Path), publisher);
            return [.. publisher.Published.Select(p => p.Batch.ToString())];
        }

        string[] first = await RunOnce();
        Assert.NotEmpty(first);
        Assert.Equal(first, await RunOnce());
    }

    [Fact]
    public async Task One_thread_and_a_read_ahead_thread_give_the_same_batches_and_summary()
    {
        // Several blocks of records, flows opening and closing across block boundaries.
        using TemporaryCapture capture = TemporaryCapture.Write(Enumerable.Range(0, 3_000).Select(i => (At(i * 0.2),
            i % 5 == 0
                ? TcpFrame("10.0.0.1", (ushort)(40000 + i % 40), "10.0.0.2", 80, i % 200 < 5 ? TcpFlags.Syn : TcpFlags.Fin | TcpFlags.Ack)
                : UdpFrame($"10.0.{i % 7}.1", (ushort)(1000 + i % 13), "10.0.0.53", 53, payload: i % 300))));

        async Task<(string[] Batches, ReplaySummary Summary)> Run(int threads)
        {
            var publisher = new ScriptedPublisher();
            ReplaySummary summary = await ReplayPipeline.RunAsync(ReplayOptions.For(capture.Path) with { Threads = threads }, publisher);
            return ([.. publisher.Published.Select(p => p.Batch.ToString())], summary);
        }

        (string[] oneBatches, ReplaySummary one) = await Run(ReplayOptions.OneThread);
        (string[] twoBatches, ReplaySummary two) = await Run(ReplayOptions.ReadAheadThreads);

        Assert.True(one.Completed);
        Assert.Equal(3_000, one.PacketsRead);
        Assert.NotEmpty(oneBatches);
        Assert.Equal(twoBatches, oneBatches);
        Assert.Equal(two.Flows with { ClosesByReason = [], EdgesByKind = [] }, one.Flows with { ClosesByReason = [], EdgesByKind = [] });
        Assert.Equal(two.Flows.ClosesByReason, one.Flows.ClosesByReason);
        Assert.Equal(two.Flows.EdgesByKind, one.Flows.EdgesByKind);
        Assert.Equal(two.ParseOutcomes, one.ParseOutcomes);
        Assert.Equal(two.Conversations, one.Conversations);
    }

    [Fact]
    public void A_replay_on_other_than_one_or_two_threads_is_refused()
    {
        var options = ReplayOptions.For("any.pcap") with { Threads = 3 };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ReplayPipeline(options, new ScriptedPublisher()));
        Assert.Contains("1 or 2 threads", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batches_close_on_event_time_even_when_the_file_is_read_as_fast_as_possible()
    {
        // 400 ms of traffic, one packet every 5 ms: about eight 50 ms windows of event time.
        using TemporaryCapture capture = TemporaryCapture.Write(
            Enumerable.Range(0, 80).Select(i => (At(i * 5), UdpFrame("10.0.0.1", 1000, "10.0.0.2", 2000))));
        var publisher = new ScriptedPublisher();

        ReplaySummary summary = await ReplayPipeline.RunAsync(ReplayOptions.For(capture.Path), publisher);

        // One batch per 50 ms of packet time (plus the end-of-capture flush), not one for the whole file.
        Assert.InRange(summary.Publishing.BatchesSealed, 8, 9);
        Assert.Equal(summary.Flows.TotalEdges, publisher.Published.Sum(p => (long)p.Batch.EdgeCount));
    }

    [Fact]
    public async Task A_missing_file_fails_to_start_with_a_clear_error()
    {
        using TemporaryCapture capture = TemporaryCapture.Empty();
        await using var pipeline = new ReplayPipeline(ReplayOptions.For(capture.Path), new ScriptedPublisher());

        var error = await Assert.ThrowsAsync<CaptureStartException>(() => pipeline.StartAsync());

        Assert.Equal($"Capture file not found: {capture.Path}", error.Message);
        Assert.Equal("replay:capture.pcap", error.Engine);
    }

    [Fact]
    public async Task A_file_that_is_not_a_capture_fails_to_start_and_names_the_problem()
    {
        using TemporaryCapture capture = TemporaryCapture.Empty("notes.txt");
        await File.WriteAllTextAsync(capture.Path, "these are not packets");
        await using var pipeline = new ReplayPipeline(ReplayOptions.For(capture.Path), new ScriptedPublisher());

        var error = await Assert.ThrowsAsync<CaptureStartException>(() => pipeline.StartAsync());

        Assert.StartsWith("Not a readable capture file:", error.Message, StringComparison.Ordinal);
        Assert.Contains("neither pcap", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cut_off_last_record_is_a_warning_and_every_complete_record_is_replayed()
    {
        using TemporaryCapture capture = TemporaryCapture.Write(Trace());
        byte[] bytes = await File.ReadAllBytesAsync(capture.Path);
        await File.WriteAllBytesAsync(capture.Path, bytes[..^20]);

        ReplaySummary summary = await ReplayPipeline.RunAsync(ReplayOptions.For(capture.Path), new ScriptedPublisher());

        Assert.True(summary.Completed);
        Assert.Equal(10, summary.PacketsRead);
        Assert.NotNull(summary.Warning);
        Assert.Null(summary.Error);
    }

    [Fact]
    public async Task At_recorded_speed_each_packet_waits_for_its_time_and_stop_ends_the_replay_with_flows_flushed()
    {
        using TemporaryCapture capture = TemporaryCapture.Write(
            Enumerable.Range(0, 3).Select(i => (At(i * 1_000), UdpFrame("10.0.0.1", 1, "10.0.0.2", 2))));
        var time = new ManualTimeProvider();
        var options = ReplayOptions.For(capture.Path) with { Speed = ReplaySpeed.Recorded };
        await using var pipeline = new ReplayPipeline(options, new ScriptedPublisher(), time);
        await pipeline.StartAsync();

        await WaitUntil(() => pipeline.GetProgress().PacketsRead == 1);
        await Task.Delay(100);
        Assert.Equal(1, pipeline.GetProgress().PacketsRead); // the second packet is due 1 s later
        time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntil(() => pipeline.GetProgress().PacketsRead == 2);

        await pipeline.StopAsync();
        ReplaySummary summary = await pipeline.Completion;

        Assert.False(summary.Completed);
        Assert.Equal(2, summary.PacketsRead);
        Assert.Equal(2ul, Assert.Single(summary.Conversations).Forward.Packets);
        Assert.Equal(1, summary.Flows.ClosesByReason[(int)FlowEndReason.EndOfCapture]);
        Assert.Equal(2, pipeline.Stats.PacketsCaptured);
    }

    [Theory]
    [InlineData(ReplayOptions.OneThread)]
    [InlineData(ReplayOptions.ReadAheadThreads)]
    public async Task A_corrupt_record_deep_in_a_file_is_an_error_after_every_record_before_it_was_replayed(int threads)
    {
        // Several read-ahead blocks of records, then a record header no capture could have written.
        const int Records = 1_500;
        using TemporaryCapture capture = TemporaryCapture.Write(
            Enumerable.Range(0, Records).Select(i => (At(i), UdpFrame("10.0.0.1", (ushort)(1000 + i % 7), "10.0.0.2", 53))));
        await using (FileStream file = File.Open(capture.Path, FileMode.Append))
        {
            file.Write([0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F]);
        }

        var publisher = new ScriptedPublisher();
        ReplaySummary summary = await ReplayPipeline.RunAsync(ReplayOptions.For(capture.Path) with { Threads = threads }, publisher);

        Assert.False(summary.Completed);
        Assert.Contains("record claims", summary.Error, StringComparison.Ordinal);
        Assert.Equal(Records, summary.PacketsRead);
        Assert.Equal(Records, summary.ParseOutcomes.Sum());
        Assert.Equal(Records, summary.Flows.PacketsObserved);
        Assert.Equal(7, summary.Flows.FlowsCreated);
        Assert.Equal(0, summary.Flows.ActiveFlows);
        Assert.Equal(Records, summary.Conversations.Sum(c => (long)c.Forward.Packets));
        Assert.Equal(summary.Flows.TotalEdges, publisher.Published.Sum(p => (long)p.Batch.EdgeCount));
        Assert.Equal(At(Records - 1), summary.LastTimestampNs);
    }

    [Theory]
    [InlineData(ReplayOptions.OneThread)]
    [InlineData(ReplayOptions.ReadAheadThreads)]
    public async Task A_stopped_maximum_speed_replay_reports_exactly_the_records_it_processed(int threads)
    {
        const int Records = 500_000;
        using TemporaryCapture capture = TemporaryCapture.Write(
            Enumerable.Range(0, Records).Select(i => (At(i * 0.001), UdpFrame("10.0.0.1", (ushort)(1000 + i % 100), "10.0.0.2", 53))));
        await using var pipeline = new ReplayPipeline(ReplayOptions.For(capture.Path) with { Threads = threads }, new ScriptedPublisher());

        await pipeline.StartAsync();
        await pipeline.StopAsync();
        ReplaySummary summary = await pipeline.Completion;

        // Whatever point the stop reached, the counters describe the same records and every flow was closed.
        Assert.False(summary.Completed, "half a million records cannot be replayed before the stop lands");
        Assert.InRange(summary.PacketsRead, 0, Records - 1);
        Assert.Equal(summary.PacketsRead, summary.ParseOutcomes.Sum());
        Assert.Equal(summary.PacketsRead, summary.Flows.PacketsObserved);
        Assert.Equal(summary.PacketsRead, summary.Conversations.Sum(c => (long)c.Forward.Packets));
        Assert.Equal(0, summary.Flows.ActiveFlows);
        Assert.Equal(summary.PacketsRead, pipeline.GetProgress().PacketsRead);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
