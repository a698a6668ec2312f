using NerfEngine.Sensor.Capture.AfPacket;
using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Capture.Native;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Capture.AfPacket;

/// <summary>One TPACKET_V3 ring on a real veth, fed by tcpreplay (needs root and network namespaces).</summary>
[Collection(LiveCaptureCollection.Name)]
public sealed class AfPacketRingTests : IDisposable
{
    /// <summary>Small blocks and a short retire timeout keep the tests quick and the memory low.</summary>
    internal static readonly AfPacketRingOptions SmallRing = new() { BlockSize = 256 * 1024, BlockCount = 8, RetireTimeoutMs = 10 };

    private readonly VethCaptureLink _link = new();
    private readonly ScratchDirectory _scratch = new();

    [Fact]
    public void Ring_hands_over_every_frame_tcpreplay_sends_exactly_once()
    {
        string pcap = _scratch.File("mixed.pcap");
        TrafficSummary traffic = TrafficFile.Write(pcap, flows: 40, packetsPerFlow: 25);
        using var ring = AfPacketRing.Open(_link.CaptureInterface, SmallRing);
        var recorder = new FrameRecorder();

        long sent;
        using (var pump = new RingPump<FrameRecorder>(ring, recorder))
        {
            sent = _link.Replay(pcap);
            pump.WaitFor(sent, TimeSpan.FromSeconds(10));
        }

        Assert.Equal(traffic.Packets, sent);
        Assert.Equal(sent, recorder.Sequences.Count);
        Assert.Equal(Enumerable.Range(0, (int)sent).Select(i => (ushort)i), recorder.Sequences.Order());
        KernelPacketStatistics stats = ring.ReadKernelStatistics();
        Assert.Equal(sent, stats.Packets);
        Assert.Equal(0, stats.Drops);
        Assert.Equal(sent, ring.FramesRead);
        Assert.Equal(0, ring.MalformedBlocks);
    }

    [Fact]
    public void Tiny_ring_with_a_paused_reader_reports_drops_and_queue_freezes_accumulated()
    {
        string pcap = _scratch.File("burst.pcap");
        TrafficFile.Write(pcap, flows: 10, packetsPerFlow: 50);
        var tiny = new AfPacketRingOptions { BlockSize = 4096, BlockCount = 2, FrameSize = 2048, RetireTimeoutMs = 5 };
        using var ring = AfPacketRing.Open(_link.CaptureInterface, tiny);

        long sent = _link.Replay(pcap);
        Thread.Sleep(100); // both blocks retire and stay with user space: the queue freezes

        KernelPacketStatistics first = ring.ReadKernelStatistics();
        Assert.Equal(sent, first.Packets);
        Assert.True(first.Drops > 0, $"expected drops with a paused reader, got {first}");
        Assert.True(first.FreezeQueueCount > 0, $"expected the queue to freeze, got {first}");

        // The kernel zeroed its counters on that read: the totals must not move without traffic.
        Assert.Equal(first, ring.ReadKernelStatistics());

        var recorder = new FrameRecorder();
        ring.ReadBlocks(ref recorder);
        Assert.Equal(first.Delivered, recorder.Sequences.Count);
    }

    [Fact]
    public void Capture_filter_keeps_only_udp_port_9999()
    {
        string pcap = _scratch.File("mixed.pcap");
        TrafficSummary traffic = TrafficFile.Write(pcap, flows: 30, packetsPerFlow: 20);
        CaptureFilter filter = CaptureFilter.Compile($"udp port {TrafficFile.UdpPort}");
        using var ring = AfPacketRing.Open(_link.CaptureInterface, SmallRing, filter);
        var recorder = new UdpPortRecorder();

        using (var pump = new RingPump<UdpPortRecorder>(ring, recorder))
        {
            _link.Replay(pcap);
            pump.WaitFor(traffic.UdpPackets, TimeSpan.FromSeconds(10));
        }

        Assert.True(traffic.UdpPackets > 0 && traffic.TcpPackets > 0);
        Assert.Equal(traffic.UdpPackets, recorder.Frames);
        Assert.Equal(traffic.UdpPackets, recorder.UdpPort9999);
        Assert.Equal(traffic.UdpPackets, ring.ReadKernelStatistics().Packets);
    }

    [Fact]
    public void Vlan_tags_the_kernel_strips_arrive_out_of_band_and_parse_as_the_outer_tag()
    {
        // The receive path untags the outer VLAN before taps see the frame (tp_vlan_tci, TP_STATUS_VLAN_VALID).
        string pcap = _scratch.File("vlan.pcap");
        byte[] datagram = Frames.Ipv4("10.9.0.1", "10.9.0.2", 17, Frames.Udp(1000, 2000, 16));
        using (var writer = PcapWriter.Create(pcap))
        {
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
            for (int i = 0; i < 10; i++)
            {
                writer.WriteRecord(now + i, Frames.Ethernet(0x0800, datagram, (0x8100, 42)));
                writer.WriteRecord(now + i, Frames.Ethernet(0x0800, datagram, (0x88A8, 100), (0x8100, 42)));
            }
        }
        using var ring = AfPacketRing.Open(_link.CaptureInterface, SmallRing);
        var recorder = new VlanRecorder();

        using (var pump = new RingPump<VlanRecorder>(ring, recorder))
        {
            _link.Replay(pcap);
            pump.WaitFor(20, TimeSpan.FromSeconds(10));
        }

        Assert.Equal(20, recorder.Frames.Count);
        Assert.All(recorder.Frames, frame => Assert.True(frame.OutOfBand, "the outer tag should arrive in tp_vlan_tci"));
        Assert.Equal(10, recorder.Frames.Count(f => f is { Outcome: ParseOutcome.Ipv4, VlanCount: 1, Outer: 42 }));
        Assert.Equal(10, recorder.Frames.Count(f => f is { Outcome: ParseOutcome.Ipv4, VlanCount: 2, Outer: 100, Inner: 42 }));
    }

    public void Dispose()
    {
        _link.Dispose();
        _scratch.Dispose();
    }

    /// <summary>Parses each frame, keeping how its VLAN tags arrived and what the parser made of them.</summary>
    private sealed class VlanRecorder : IRingFrameHandler
    {
        public List<(bool OutOfBand, ParseOutcome Outcome, int VlanCount, ushort Outer, ushort Inner)> Frames { get; } = [];

        public void OnFrame(in RingFrame frame)
        {
            ParseOutcome outcome = PacketParser.Parse(frame.Data, out ParsedPacket packet, frame.OriginalLength, frame.VlanTci, frame.HasVlan);
            Frames.Add((frame.HasVlan, outcome, packet.VlanCount, packet.OuterVlanId, packet.InnerVlanId));
        }
    }

    /// <summary>Parses each frame with the product parser and counts UDP to port 9999.</summary>
    private sealed class UdpPortRecorder : IRingFrameHandler
    {
        public long Frames;
        public long UdpPort9999;

        public void OnFrame(in RingFrame frame)
        {
            Frames++;
            ParseOutcome outcome = PacketParser.Parse(frame.Data, out ParsedPacket packet, frame.OriginalLength, frame.VlanTci, frame.HasVlan);
            if (outcome == ParseOutcome.Ipv4 && packet.Protocol == 17 && packet.DestinationPort == TrafficFile.UdpPort)
            {
                UdpPort9999++;
            }
        }
    }
}
