using NerfEngine.Sensor.Capture.AfPacket;
using NerfEngine.Sensor.Capture.Native;

namespace NerfEngine.Tests.SensorNode.Capture.AfPacket;

/// <summary>PACKET_FANOUT groups of rings on a real veth (needs root and network namespaces).</summary>
[Collection(LiveCaptureCollection.Name)]
public sealed class AfPacketFanoutTests : IDisposable
{
    private readonly VethCaptureLink _link = new();
    private readonly ScratchDirectory _scratch = new();

    [Theory]
    [InlineData(FanoutMode.Hash)]
    [InlineData(FanoutMode.LoadBalance)]
    public void Two_rings_in_a_fanout_group_see_every_packet_exactly_once(FanoutMode mode)
    {
        string pcap = _scratch.File("flows.pcap");
        TrafficSummary traffic = TrafficFile.Write(pcap, flows: 64, packetsPerFlow: 30);
        var fanout = new FanoutOptions(UniqueGroupId(), mode);
        using var first = AfPacketRing.Open(_link.CaptureInterface, AfPacketRingTests.SmallRing, fanout: fanout);
        using var second = AfPacketRing.Open(_link.CaptureInterface, AfPacketRingTests.SmallRing, fanout: fanout);
        var firstFrames = new FrameRecorder();
        var secondFrames = new FrameRecorder();

        long sent;
        using (var firstPump = new RingPump<FrameRecorder>(first, firstFrames))
        using (var secondPump = new RingPump<FrameRecorder>(second, secondFrames))
        {
            sent = _link.Replay(pcap);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (first.FramesRead + second.FramesRead < sent && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(10);
            }
            Thread.Sleep(100);
        }

        Assert.Equal(traffic.Packets, sent);
        Assert.NotEmpty(firstFrames.Sequences);
        Assert.NotEmpty(secondFrames.Sequences);
        Assert.Equal(sent, firstFrames.Sequences.Count + secondFrames.Sequences.Count);
        Assert.Empty(firstFrames.Sequences.Intersect(secondFrames.Sequences));
        Assert.Equal(sent, firstFrames.Sequences.Concat(secondFrames.Sequences).Distinct().Count());
        Assert.Equal(sent, first.ReadKernelStatistics().Packets + second.ReadKernelStatistics().Packets);
    }

    [Fact]
    public void Hash_fanout_keeps_each_flow_on_one_ring()
    {
        string pcap = _scratch.File("flows.pcap");
        TrafficFile.Write(pcap, flows: 32, packetsPerFlow: 20);
        var fanout = new FanoutOptions(UniqueGroupId());
        using var first = AfPacketRing.Open(_link.CaptureInterface, AfPacketRingTests.SmallRing, fanout: fanout);
        using var second = AfPacketRing.Open(_link.CaptureInterface, AfPacketRingTests.SmallRing, fanout: fanout);
        var firstFrames = new FrameRecorder();
        var secondFrames = new FrameRecorder();
        using (var firstPump = new RingPump<FrameRecorder>(first, firstFrames))
        using (var secondPump = new RingPump<FrameRecorder>(second, secondFrames))
        {
            long sent = _link.Replay(pcap);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (first.FramesRead + second.FramesRead < sent && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(10);
            }
        }

        // Frames are written round-robin over the flows, so the flow of sequence s is s mod 32.
        var firstFlows = firstFrames.Sequences.Select(s => s % 32).ToHashSet();
        var secondFlows = secondFrames.Sequences.Select(s => s % 32).ToHashSet();
        Assert.Empty(firstFlows.Intersect(secondFlows));
        Assert.Equal(32, firstFlows.Count + secondFlows.Count);
    }

    [Fact]
    public void Joining_a_group_with_another_mode_is_refused_clearly()
    {
        ushort group = UniqueGroupId();
        using var first = AfPacketRing.Open(_link.CaptureInterface, AfPacketRingTests.SmallRing, fanout: new FanoutOptions(group, FanoutMode.Hash));
        var error = Assert.Throws<CaptureException>(() =>
            AfPacketRing.Open(_link.CaptureInterface, AfPacketRingTests.SmallRing, fanout: new FanoutOptions(group, FanoutMode.LoadBalance)));
        Assert.Equal(CaptureFailure.FanoutRefused, error.Failure);
        Assert.Contains($"fanout group {group} (lb) refused", error.Message);
    }

    [Fact]
    public void Disposing_rings_releases_every_descriptor_and_mapping()
    {
        string pcap = _scratch.File("flows.pcap");
        TrafficFile.Write(pcap, flows: 8, packetsPerFlow: 10);
        ProcessResources before = ProcessResources.Now();

        var fanout = new FanoutOptions(UniqueGroupId());
        CaptureFilter filter = CaptureFilter.Compile("ip");
        var first = AfPacketRing.Open(_link.CaptureInterface, AfPacketRingTests.SmallRing, filter, fanout);
        var second = AfPacketRing.Open(_link.CaptureInterface, AfPacketRingTests.SmallRing, filter, fanout);
        using (new RingPump<FrameRecorder>(first, new FrameRecorder()))
        using (new RingPump<FrameRecorder>(second, new FrameRecorder()))
        {
            _link.Replay(pcap);
        }
        ProcessResources during = ProcessResources.Now();
        first.Dispose();
        second.Dispose();
        first.Dispose(); // idempotent
        ProcessResources after = ProcessResources.Now();

        Assert.Equal(before.SocketMappings + 2, during.SocketMappings);
        Assert.Equal(before.PacketSockets + 2, during.PacketSockets);
        Assert.Equal(before.SocketMappings, after.SocketMappings);
        Assert.Equal(before.PacketSockets, after.PacketSockets);
        Assert.Empty(after.PacketSocketInodes.Except(before.PacketSocketInodes));
        Assert.True(first.IsDisposed && second.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => first.WaitForBlock(0));
    }

    public void Dispose()
    {
        _link.Dispose();
        _scratch.Dispose();
    }

    internal static ushort UniqueGroupId() => (ushort)Random.Shared.Next(1, ushort.MaxValue);
}
