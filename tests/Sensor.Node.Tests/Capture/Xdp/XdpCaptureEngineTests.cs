using NerfEngine.Sensor.Capture.AfPacket;
using NerfEngine.Sensor.Capture.Native;
using NerfEngine.Sensor.Capture.Xdp;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Shared.Fabric.Transport;
using NerfEngine.Tests.SensorNode.Capture.AfPacket;

namespace NerfEngine.Tests.SensorNode.Capture.Xdp;

/// <summary>
/// The XDP engine on a real veth (root, network namespaces): tcpreplay → XDP program (native or generic mode) →
/// rings and aggregate drains → reader actor → batches → in-process transport, checked against the same file
/// replayed through the pcap path, and every way it must fail or clean up.
/// </summary>
[Collection(XdpCollection.Name)]
public sealed class XdpCaptureEngineTests : IAsyncLifetime
{
    private static readonly TimeSpan CaptureTimeout = TimeSpan.FromSeconds(20);

    private readonly VethCaptureLink _link = new();
    private readonly ScratchDirectory _scratch = new();
    private readonly InProcessEdgeTransport _transport = new();
    private readonly EdgeCollector _collected = new();
    private IEdgeBatchSubscription? _subscription;

    public async Task InitializeAsync() => _subscription = await _collected.SubscribeAsync(_transport);

    [Theory]
    [InlineData(XdpAttachMode.Auto, XdpAttachMode.Native)]
    [InlineData(XdpAttachMode.Generic, XdpAttachMode.Generic)]
    public async Task Per_edge_packets_and_bytes_equal_the_pcap_replay_of_the_same_file(XdpAttachMode asked, XdpAttachMode expected)
    {
        string pcap = _scratch.File("mixed.pcap");
        int frames = XdpTrafficFile.Write(pcap, conversations: 160);
        await using var engine = new XdpCaptureEngine(Options() with { Mode = asked }, _transport);
        await engine.StartAsync();
        Assert.Equal(expected, engine.Mode);
        Assert.Contains("name nerf_xdp_edges", XdpLink.AttachedProgram(_link.CaptureInterface));

        long sent = _link.Replay(pcap);
        await XdpLink.WaitUntilAsync(() => engine.Stats.PacketsCaptured >= sent, CaptureTimeout);
        await engine.StopAsync();
        XdpCaptureSummary summary = engine.GetSummary();

        var replayTransport = new InProcessEdgeTransport();
        var replayed = new EdgeCollector();
        await using (await replayed.SubscribeAsync(replayTransport))
        {
            ReplaySummary replay = await ReplayPipeline.RunAsync(ReplayOptions.For(pcap), replayTransport);
            await XdpLink.WaitUntilAsync(() => replayed.Edges.Count == replay.Publishing.EdgesPublished);
            Assert.Equal(frames, sent);
            Assert.Equal(sent, summary.Capture.PacketsCaptured);
            Assert.Equal(replay.Capture.ParseErrors, summary.Capture.ParseErrors);
            Assert.Equal(0, summary.Capture.KernelDrops);
            Assert.Null(summary.Capture.LastError);
            Assert.Equal(Rows(replay.Conversations), Rows(summary.Edges));

            // The 50 ms aggregates lose nothing either: per edge hash they add up to the pcap path's.
            await XdpLink.WaitUntilAsync(() => _collected.Edges.Count == summary.Publishing.EdgesPublished);
            Assert.Equal(replayed.AggregateTotals(), _collected.AggregateTotals());
        }
        await replayTransport.DisposeAsync();

        Assert.Equal(summary.Capture.EventsEmitted, summary.Publishing.EdgesPublished);
        Assert.Equal(0, summary.Records.NodeIdMismatches);
        Assert.Equal(summary.Records.OpenEvents, summary.Kernel.FlowsCreated);
        Assert.Null(XdpLink.AttachedProgram(_link.CaptureInterface));
        Assert.False(XdpLink.HasXdp(_link.CaptureInterface));
    }

    [Fact]
    public async Task Stop_detaches_the_program_releases_every_map_and_pin_and_is_idempotent()
    {
        string pcap = _scratch.File("flows.pcap");
        TrafficFile.Write(pcap, flows: 16, packetsPerFlow: 10);
        BpfResources before = BpfResources.Now();

        var engine = new XdpCaptureEngine(Options() with { PinPath = PinDirectory() }, _transport);
        await engine.StartAsync();
        long sent = _link.Replay(pcap);
        await XdpLink.WaitUntilAsync(() => engine.Stats.PacketsCaptured >= sent, CaptureTimeout);
        BpfResources during = BpfResources.Now();
        string[] pins = [.. Directory.EnumerateFileSystemEntries(PinDirectory()).Select(entry => Path.GetFileName(entry)).Order()];
        await engine.StopAsync();
        await engine.StopAsync();
        await engine.DisposeAsync();
        BpfResources after = BpfResources.Now();

        Assert.Equal(["agg_control", "counters", "edge_agg_0", "edge_agg_1", "edge_events", "flow_events", "flows", "nerf_xdp_edges"], pins);
        Assert.True(during.Maps >= before.Maps + 7, $"maps during capture: {during}");
        Assert.Equal(before.Links + 1, during.Links);
        Assert.Equal(before, after);
        Assert.False(XdpLink.HasXdp(_link.CaptureInterface));
        Assert.False(Directory.Exists(PinDirectory()));
        Assert.Equal(sent, engine.Stats.PacketsCaptured);
    }

    [Fact]
    public async Task Start_on_a_missing_interface_fails_fast_with_the_clear_error_and_holds_nothing()
    {
        BpfResources before = BpfResources.Now();
        await using var engine = new XdpCaptureEngine(Options() with { Interface = "nerfnosuch3" }, _transport);

        var error = await Assert.ThrowsAsync<CaptureStartException>(() => engine.StartAsync());

        Assert.Equal("interface 'nerfnosuch3' not found", error.Message);
        Assert.Equal("xdp:nerfnosuch3", error.Engine);
        Assert.Equal(CaptureFailure.InterfaceNotFound, Assert.IsType<CaptureException>(error.InnerException).Failure);
        Assert.Equal(before, BpfResources.Now());
    }

    [Fact]
    public async Task Start_without_the_bpf_object_says_to_install_clang_and_rebuild()
    {
        await using var engine = new XdpCaptureEngine(Options() with { ObjectPath = "/nonexistent/xdp_edges.bpf.o" }, _transport);

        var error = await Assert.ThrowsAsync<CaptureStartException>(() => engine.StartAsync());

        Assert.Equal("BPF object not found at '/nonexistent/xdp_edges.bpf.o'; " + XdpErrors.ObjectMissingHint, error.Message);
        Assert.False(XdpLink.HasXdp(_link.CaptureInterface));
    }

    [Fact]
    public async Task A_second_program_on_the_same_interface_is_refused_clearly_and_the_first_keeps_running()
    {
        await using var first = new XdpCaptureEngine(Options(), _transport);
        await first.StartAsync();
        await using var second = new XdpCaptureEngine(Options(), _transport);

        var error = await Assert.ThrowsAsync<CaptureStartException>(() => second.StartAsync());

        Assert.StartsWith($"interface '{_link.CaptureInterface}' already has an XDP program attached", error.Message);
        Assert.Contains($"ip link set dev {_link.CaptureInterface} xdp off", error.Message);
        Assert.Contains("name nerf_xdp_edges", XdpLink.AttachedProgram(_link.CaptureInterface));
    }

    [Fact]
    public async Task An_overrun_ring_counts_every_lost_record_and_says_so_in_the_stats()
    {
        string pcap = _scratch.File("many-flows.pcap");
        TrafficFile.Write(pcap, flows: 400, packetsPerFlow: 2);
        await using var engine = new XdpCaptureEngine(Options() with { EdgeRingBytes = XdpCaptureOptions.MinimumRingBytes }, _transport);
        await engine.StartAsync();
        engine.StallReader(TimeSpan.FromSeconds(2));

        long sent = _link.Replay(pcap);
        await XdpLink.WaitUntilAsync(() => engine.Stats.PacketsCaptured >= sent, CaptureTimeout);
        CaptureStats stats = engine.Stats;
        await engine.StopAsync();
        XdpCaptureSummary summary = engine.GetSummary();

        Assert.True(summary.Kernel.EdgeRingFull > 0, $"no reservation failed: {summary.Kernel}");
        // Every OPEN (one per flow created) and CLOSE (one per kernel flow end) the program tried was read or counted lost.
        long attempted = summary.Kernel.FlowsCreated + summary.Records.FlowEndEvents + summary.Kernel.FlowRingFull;
        Assert.Equal(attempted - summary.Records.OpenEvents - summary.Records.CloseEvents, summary.Kernel.EdgeRingFull);
        Assert.Equal(summary.Kernel.Lost, summary.Capture.KernelDrops);
        Assert.True(stats.KernelDrops > 0);
        Assert.Contains("ring buffer full", stats.LastError);
        Assert.Equal(summary.Kernel.EdgeRingFull, (long)XdpSummaryJson.ToJson(summary)["kernel"]!["edge_ring_full"]!);
    }

    [Fact]
    public async Task A_failed_reader_is_restarted_by_its_supervisor_and_capture_goes_on()
    {
        string pcap = _scratch.File("flows.pcap");
        TrafficFile.Write(pcap, flows: 10, packetsPerFlow: 10);
        await using var engine = new XdpCaptureEngine(Options(), _transport);
        await engine.StartAsync();
        long first = _link.Replay(pcap);
        await XdpLink.WaitUntilAsync(() => engine.Stats.PacketsCaptured >= first, CaptureTimeout);

        engine.InjectReaderFault();
        await XdpLink.WaitUntilAsync(() => engine.Stats.LastError?.Contains("injected reader fault") == true, CaptureTimeout);
        long second = _link.Replay(pcap);
        await XdpLink.WaitUntilAsync(() => engine.Stats.PacketsCaptured >= first + second, CaptureTimeout);
        await engine.StopAsync();

        XdpCaptureSummary summary = engine.GetSummary();
        Assert.Equal(2, summary.Incarnations);
        Assert.Equal(first + second, summary.Capture.PacketsCaptured);
        Assert.Equal(first + second, summary.Edges.Sum(edge => edge.Packets));
    }

    [Fact]
    public async Task Flows_idle_past_the_timeout_are_closed_by_the_sweep_before_the_end()
    {
        string pcap = _scratch.File("udp.pcap");
        TrafficFile.Write(pcap, flows: 9, packetsPerFlow: 3, udpEvery: 1);
        var flows = new FlowTrackerOptions { IdleTimeout = TimeSpan.FromMilliseconds(300), TickInterval = TimeSpan.FromMilliseconds(100), ActiveTimeout = TimeSpan.FromSeconds(1) };
        await using var engine = new XdpCaptureEngine(Options() with { Flows = flows, IdleSweepInterval = TimeSpan.FromMilliseconds(100) }, _transport);
        await engine.StartAsync();

        long sent = _link.Replay(pcap);
        await XdpLink.WaitUntilAsync(() => engine.Stats.PacketsCaptured >= sent, CaptureTimeout);
        await Task.Delay(1000);
        await engine.StopAsync();

        XdpRecordCounts records = engine.GetSummary().Records;
        Assert.Equal(9, records.FlowEndsByReason[(int)XdpFlowEndReason.IdleTimeout]);
        Assert.Equal(0, records.FlowEndsByReason[(int)XdpFlowEndReason.EndOfCapture]);
        Assert.Equal(sent, records.EndedPacketsForward + records.EndedPacketsReverse);
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
        if (Directory.Exists(PinDirectory()))
        {
            Directory.Delete(PinDirectory(), recursive: true);
        }
    }

    private XdpCaptureOptions Options() => new()
    {
        Interface = _link.CaptureInterface,
        FlowTableEntries = 65_536,
        EdgeAggregateEntries = 16_384,
        EdgeTableCapacity = 10_000,
    };

    private string PinDirectory() => $"/sys/fs/bpf/{_link.CaptureInterface}";

    /// <summary>Endpoints in canonical order + protocol → (packets, IP bytes) both ways, summed over flows and VLANs.</summary>
    private static Dictionary<string, (long Packets, long Bytes)> Rows(IEnumerable<Conversation> conversations) =>
        Sum(conversations.Select(c => (Key(c.Source.ToString(), c.SourcePort, c.Destination.ToString(), c.DestinationPort, c.Protocol),
            (long)(c.Forward.Packets + c.Reverse.Packets), (long)(c.Forward.IpBytes + c.Reverse.IpBytes))));

    private static Dictionary<string, (long Packets, long Bytes)> Rows(IEnumerable<CapturedEdge> edges) =>
        Sum(edges.Select(e => (Key(e.Source?.ToString(), e.SourcePort, e.Destination?.ToString(), e.DestinationPort, e.Protocol), e.Packets, e.Bytes)));

    private static string Key(string? a, ushort portA, string? b, ushort portB, byte protocol)
    {
        string one = $"{a}:{portA}";
        string two = $"{b}:{portB}";
        return string.CompareOrdinal(one, two) < 0 ? $"{one} {two} p{protocol}" : $"{two} {one} p{protocol}";
    }

    private static Dictionary<string, (long Packets, long Bytes)> Sum(IEnumerable<(string Key, long Packets, long Bytes)> rows) =>
        rows.GroupBy(r => r.Key).ToDictionary(g => g.Key, g => (g.Sum(r => r.Packets), g.Sum(r => r.Bytes)));
}
