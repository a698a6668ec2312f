using NerfEngine.Sensor.Capture.AfPacket;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Sensor.Publishing;
using NerfEngine.Shared.Fabric.Transport;

namespace NerfEngine.Tests.SensorNode.Capture.AfPacket;

/// <summary>
/// The hot path allocates nothing per packet: the block walk with the parser allocates nothing at all,
/// and the full worker path (parser → flow tracker → batcher) allocates only per sealed batch.
/// Measured on the calling thread with GC.GetAllocatedBytesForCurrentThread over a real ring.
/// </summary>
[Collection(LiveCaptureCollection.Name)]
public sealed class RingAllocationTests : IDisposable
{
    /// <summary>Many small blocks: a 10 ms retire timeout hands over a block per 10 ms, and the reader is paused during a replay.</summary>
    private static readonly AfPacketRingOptions ManyBlocks = new() { BlockSize = 64 * 1024, BlockCount = 64, RetireTimeoutMs = 10 };

    private readonly VethCaptureLink _link = new();
    private readonly ScratchDirectory _scratch = new();

    [Fact]
    public void Block_walk_with_parsing_allocates_nothing()
    {
        string pcap = _scratch.File("udp.pcap");
        TrafficFile.Write(pcap, flows: 50, packetsPerFlow: 40, udpEvery: 1);
        using var ring = AfPacketRing.Open(_link.CaptureInterface, ManyBlocks);
        var handler = new ParsingHandler(new ParseCounters());
        DeliverAndRead(ring, pcap, ref handler); // warm-up: JIT and first-use initialisation

        long sent = _link.Replay(pcap);
        Thread.Sleep(100); // every block retires into user space
        long before = GC.GetAllocatedBytesForCurrentThread();
        int frames = ring.ReadBlocks(ref handler);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(sent, frames);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task Worker_path_allocates_only_per_sealed_batch_not_per_packet()
    {
        string pcap = _scratch.File("udp.pcap");
        TrafficFile.Write(pcap, flows: 50, packetsPerFlow: 40, udpEvery: 1);
        await using var transport = new InProcessEdgeTransport(new InProcessTransportOptions(PartitionCapacity: 10_000));
        await using var outbox = new EdgeBatchOutbox(transport, new PublishingOptions());
        var batcher = new EdgeBatcher(new PublishingOptions(), outbox);
        var tracker = new FlowTracker();
        using var ring = AfPacketRing.Open(_link.CaptureInterface, ManyBlocks);
        var processor = new RingFrameProcessor(new ParseCounters(), tracker, batcher, new LiveEdgeSink(batcher, null));
        DeliverAndRead(ring, pcap, ref processor); // warm-up: creates the flows, grows the tables, JITs

        long sent = _link.Replay(pcap);
        Thread.Sleep(100);
        long sealedBefore = outbox.GetStats().BatchesSealed;
        long before = GC.GetAllocatedBytesForCurrentThread();
        int frames = ring.ReadBlocks(ref processor);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long batches = outbox.GetStats().BatchesSealed - sealedBefore;

        Assert.Equal(sent, frames);
        // A sealed batch costs its protobuf message and buffers; anything per packet would be ≥ 24 bytes × 2000.
        const long perBatchAllowance = 16 * 1024;
        Assert.True(allocated <= (batches + 1) * perBatchAllowance,
            $"{allocated} bytes for {frames} packets and {batches} sealed batches ({(double)allocated / frames:0.0} bytes/packet)");
    }

    public void Dispose()
    {
        _link.Dispose();
        _scratch.Dispose();
    }

    private void DeliverAndRead<THandler>(AfPacketRing ring, string pcap, ref THandler handler)
        where THandler : IRingFrameHandler
    {
        long sent = _link.Replay(pcap);
        long read = 0;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (read < sent && DateTime.UtcNow < deadline)
        {
            if (ring.WaitForBlock(20).IsReady)
            {
                read += ring.ReadBlocks(ref handler);
            }
        }
        Assert.Equal(sent, read);
    }

    private struct ParsingHandler(ParseCounters counters) : IRingFrameHandler
    {
        public void OnFrame(in RingFrame frame)
        {
            ParseOutcome outcome = PacketParser.Parse(frame.Data, out ParsedPacket packet, frame.OriginalLength, frame.VlanTci, frame.HasVlan);
            counters.Record(outcome, in packet);
        }
    }
}
