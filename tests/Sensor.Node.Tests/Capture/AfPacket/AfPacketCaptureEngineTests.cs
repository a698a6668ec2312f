using NerfEngine.Sensor.Capture.AfPacket;
using NerfEngine.Sensor.Capture.Native;
using NerfEngine.Sensor.Cli;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Shared.Fabric.Transport;

namespace NerfEngine.Tests.SensorNode.Capture.AfPacket;

/// <summary>
/// The whole live path on a real veth (needs root and network namespaces): tcpreplay → AF_PACKET rings →
/// worker actors (parser → flow tracker → batcher) → in-process transport → decoding consumer, checked
/// against the same file replayed through the pcap path.
/// </summary>
[Collection(LiveCaptureCollection.Name)]
public sealed class AfPacketCaptureEngineTests : IAsyncLifetime
{
    private static readonly TimeSpan CaptureTimeout = TimeSpan.FromSeconds(15);

    private readonly VethCaptureLink _link = new();
    private readonly ScratchDirectory _scratch = new();
    private readonly InProcessEdgeTransport _transport = new();
    private readonly DeliveredEdgeCounter _delivered = new();
    private IEdgeBatchSubscription? _subscription;

    public async Task InitializeAsync() => _subscription = await _delivered.SubscribeAsync(_transport, CancellationToken.None);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Live_capture_counts_every_packet_sent_and_its_edges_match_the_file_replay(int workers)
    {
        string pcap = _scratch.File("mixed.pcap");
        TrafficSummary traffic = TrafficFile.Write(pcap, flows: 48, packetsPerFlow: 25);
        await using var engine = new AfPacketCaptureEngine(Options(workers), _transport);
        await engine.StartAsync();

        long sent = _link.Replay(pcap);
        await WaitForPacketsAsync(engine, sent);
        await engine.StopAsync();
        AfPacketCaptureSummary summary = engine.GetSummary();

        Assert.Equal(traffic.Packets, sent);
        Assert.Equal(sent, summary.Capture.PacketsCaptured);
        Assert.Equal(sent, summary.Kernel.Packets);
        Assert.Equal(0, summary.Capture.KernelDrops);
        Assert.Equal(0, summary.Capture.ParseErrors);
        Assert.Null(summary.Capture.LastError);
        Assert.Equal(workers, summary.Workers.Count);
        Assert.All(summary.Workers, worker => Assert.True(worker.PacketsCaptured > 0, $"worker {worker.Index} saw nothing"));
        Assert.Equal(sent, summary.Workers.Sum(worker => worker.PacketsCaptured));

        ReplaySummary replay = await ReplayPipeline.RunAsync(ReplayOptions.For(pcap), new InProcessEdgeTransport());
        Assert.Equal(sent, replay.PacketsRead);
        Assert.Equal(Rows(replay.Conversations), Rows(summary.Edges));

        // Every record emitted was published and decoded by the consumer at the far end.
        Assert.Equal(summary.Capture.EventsEmitted, summary.Publishing.EdgesPublished);
        await WaitUntilAsync(() => _delivered.Edges == summary.Publishing.EdgesPublished);
        Assert.Equal(0, _delivered.Malformed);
    }

    [Fact]
    public async Task Start_on_a_missing_interface_fails_fast_with_the_clear_error_and_holds_nothing()
    {
        ProcessResources before = ProcessResources.Now();
        await using var engine = new AfPacketCaptureEngine(Options(2) with { Interface = "nerfnosuch1" }, _transport);

        var error = await Assert.ThrowsAsync<CaptureStartException>(() => engine.StartAsync());

        Assert.Equal("interface 'nerfnosuch1' not found", error.Message);
        Assert.Equal("afpacket:nerfnosuch1", error.Engine);
        Assert.Equal(CaptureFailure.InterfaceNotFound, Assert.IsType<CaptureException>(error.InnerException).Failure);
        ProcessResources after = ProcessResources.Now();
        Assert.Equal(before.SocketMappings, after.SocketMappings);
        Assert.Equal(before.PacketSockets, after.PacketSockets);
        await engine.StopAsync(); // nothing to stop: returns at once
    }

    [Fact]
    public async Task Start_with_an_invalid_filter_fails_fast_with_libpcaps_message()
    {
        await using var engine = new AfPacketCaptureEngine(Options(1) with { Filter = "tcp port eighty" }, _transport);
        var error = await Assert.ThrowsAsync<CaptureStartException>(() => engine.StartAsync());
        Assert.StartsWith("invalid capture filter 'tcp port eighty': ", error.Message);
    }

    [Fact]
    public async Task Stop_releases_every_ring_socket_and_mapping_and_is_idempotent()
    {
        string pcap = _scratch.File("flows.pcap");
        TrafficFile.Write(pcap, flows: 16, packetsPerFlow: 10);
        ProcessResources before = ProcessResources.Now();

        var engine = new AfPacketCaptureEngine(Options(2) with { Filter = "ip" }, _transport);
        await engine.StartAsync();
        long sent = _link.Replay(pcap);
        await WaitForPacketsAsync(engine, sent);
        ProcessResources during = ProcessResources.Now();
        await engine.StopAsync();
        await engine.StopAsync();
        await engine.DisposeAsync();
        ProcessResources after = ProcessResources.Now();

        Assert.Equal(before.SocketMappings + 2, during.SocketMappings);
        Assert.Equal(before.PacketSockets + 2, during.PacketSockets);
        Assert.Equal(before.SocketMappings, after.SocketMappings);
        Assert.Equal(before.PacketSockets, after.PacketSockets);
        Assert.Empty(after.PacketSocketInodes.Except(before.PacketSocketInodes));
        Assert.Equal(sent, engine.Stats.PacketsCaptured);
    }

    [Fact]
    public async Task Interface_removed_during_capture_is_reported_as_the_last_error()
    {
        await using var engine = new AfPacketCaptureEngine(Options(1), _transport);
        await engine.StartAsync();

        _link.Dispose();
        await WaitUntilAsync(() => engine.Stats.LastError is not null);
        await engine.StopAsync();

        Assert.Contains($"interface '{_link.CaptureInterface}' is down", engine.Stats.LastError);
    }

    [Fact]
    public async Task A_failed_reader_is_restarted_by_its_supervisor_with_a_fresh_ring_and_capture_goes_on()
    {
        string pcap = _scratch.File("flows.pcap");
        TrafficFile.Write(pcap, flows: 10, packetsPerFlow: 10);
        ProcessResources before = ProcessResources.Now();
        await using var engine = new AfPacketCaptureEngine(Options(1), _transport);
        await engine.StartAsync();
        long first = _link.Replay(pcap);
        await WaitForPacketsAsync(engine, first);
        IReadOnlySet<string> firstRing = ProcessResources.Now().PacketSocketInodes;

        engine.InjectReaderFault(0);
        await WaitUntilAsync(() => engine.Stats.LastError?.Contains("injected reader fault") == true);
        // The restarted incarnation opens a new ring: a bound packet socket that was not there before.
        await WaitUntilAsync(() => ProcessResources.Now() is { BoundPacketSockets: 1 } now && !now.PacketSocketInodes.SetEquals(firstRing));
        long second = _link.Replay(pcap);
        await WaitForPacketsAsync(engine, first + second);
        await engine.StopAsync();

        AfPacketCaptureSummary summary = engine.GetSummary();
        Assert.Equal(first + second, summary.Capture.PacketsCaptured);
        Assert.Equal(2, summary.Workers[0].Incarnations);
        Assert.Equal(before.PacketSockets, ProcessResources.Now().PacketSockets);
    }

    public async Task DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync();
        }
        await _transport.DisposeAsync();
        _link.Dispose();
        _scratch.Dispose();
    }

    private AfPacketCaptureOptions Options(int workers) => new()
    {
        Interface = _link.CaptureInterface,
        Workers = workers,
        FanoutGroupId = AfPacketFanoutTests.UniqueGroupId(),
        Ring = AfPacketRingTests.SmallRing,
        EdgeTableCapacity = 10_000,
    };

    /// <summary>(source, destination, ports, protocol) → (packets, IP bytes), both directions.</summary>
    private static Dictionary<string, (long Packets, long Bytes)> Rows(IEnumerable<Conversation> conversations) =>
        conversations.ToDictionary(
            c => $"{c.Source}:{c.SourcePort} > {c.Destination}:{c.DestinationPort} p{c.Protocol}",
            c => ((long)(c.Forward.Packets + c.Reverse.Packets), (long)(c.Forward.IpBytes + c.Reverse.IpBytes)));

    private static Dictionary<string, (long Packets, long Bytes)> Rows(IEnumerable<CapturedEdge> edges) =>
        edges.ToDictionary(
            e => $"{e.Source}:{e.SourcePort} > {e.Destination}:{e.DestinationPort} p{e.Protocol}",
            e => (e.Packets, e.Bytes));

    private static Task WaitForPacketsAsync(AfPacketCaptureEngine engine, long packets) =>
        WaitUntilAsync(() => engine.Stats.PacketsCaptured >= packets);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + CaptureTimeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.True(condition(), "condition not met within " + CaptureTimeout);
    }
}
