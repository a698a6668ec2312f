using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using static NerfEngine.Tests.SensorNode.Flows.FlowScenario;

namespace NerfEngine.Tests.SensorNode.Flows;

public sealed class FlowTrackerAllocationTests
{
    [Fact]
    public void Parsing_and_tracking_allocate_nothing_per_packet_in_steady_state()
    {
        byte[][] frames = Enumerable.Range(0, 2_000)
            .Select(i => i % 2 == 0
                ? TcpFrame($"10.3.{i / 250}.{i % 250 + 1}", (ushort)(20000 + i), "10.4.0.1", 443, TcpFlags.Ack, payload: 100)
                : UdpFrame($"fd00::{i:x}", (ushort)(20000 + i), "fd00::ffff", 53, payload: 60))
            .ToArray();
        var tracker = new FlowTracker(new FlowTrackerOptions(), 3);
        var sink = new CountingEdgeSink();
        long time = Epoch;

        void Pass()
        {
            foreach (byte[] frame in frames)
            {
                time += 100_000; // 0.1 ms apart: ticks and aggregate windows fire during the pass
                ParseOutcome outcome = PacketParser.Parse(frame, out ParsedPacket packet);
                if (outcome is ParseOutcome.Ipv4 or ParseOutcome.Ipv6)
                {
                    tracker.Observe(in packet, time, ref sink);
                }
            }
        }

        Pass(); // creates the flows and grows the tables once
        Pass();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Pass();
        Pass();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(frames.Length, tracker.ActiveFlows);
        Assert.True(sink.Edges > frames.Length, "ticks and aggregates were emitted during the measured passes");
    }
}
