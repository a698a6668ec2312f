using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Sensor.Publishing;

namespace NerfEngine.Sensor.Capture.AfPacket;

/// <summary>
/// What a worker does with each ring frame: parse it (VLAN tags delivered out of band included),
/// count the outcome, and feed IP packets to the flow tracker, whose records reach the batcher. Only
/// parsed values leave the frame, so the block can go back to the kernel right after the walk.
/// </summary>
internal struct RingFrameProcessor(ParseCounters counters, FlowTracker tracker, EdgeBatcher batcher, LiveEdgeSink sink) : IRingFrameHandler
{
    private readonly ParseCounters _counters = counters;
    private readonly FlowTracker _tracker = tracker;
    private readonly EdgeBatcher _batcher = batcher;
    private LiveEdgeSink _sink = sink;

    public void OnFrame(in RingFrame frame)
    {
        long timestamp = frame.TimestampNanoseconds;
        ParseOutcome outcome = PacketParser.Parse(frame.Data, out ParsedPacket packet, frame.OriginalLength, frame.VlanTci, frame.HasVlan);
        _counters.Record(outcome, in packet);
        _batcher.Advance(timestamp);
        if (outcome is ParseOutcome.Ipv4 or ParseOutcome.Ipv6)
        {
            _tracker.Observe(in packet, timestamp, ref _sink);
        }
        else
        {
            _tracker.Advance(timestamp, ref _sink);
        }
    }
}
