using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Shared.Messages.Records;
using static NerfEngine.Tests.SensorNode.Flows.FlowScenario;

namespace NerfEngine.Tests.SensorNode.Flows;

public sealed class FlowLifecycleTests
{
    [Fact]
    public void Fin_from_both_sides_closes_the_flow_with_the_deltas_since_the_last_record()
    {
        var scenario = new FlowScenario()
            .Send(TcpFrame("10.0.0.1", 40000, "10.0.0.2", 80, TcpFlags.Syn), 0)
            .Send(TcpFrame("10.0.0.2", 80, "10.0.0.1", 40000, TcpFlags.Syn | TcpFlags.Ack), 1)
            .Send(TcpFrame("10.0.0.1", 40000, "10.0.0.2", 80, TcpFlags.Ack, payload: 100), 2)
            .Send(TcpFrame("10.0.0.1", 40000, "10.0.0.2", 80, TcpFlags.Fin | TcpFlags.Ack), 3);
        Assert.Equal(1, scenario.Tracker.ActiveFlows);

        scenario.Send(TcpFrame("10.0.0.2", 80, "10.0.0.1", 40000, TcpFlags.Fin | TcpFlags.Ack), 4);

        Assert.Equal(0, scenario.Tracker.ActiveFlows);
        GraphEdge close = Assert.Single(scenario.Output.OfKind(EdgeKind.Close));
        Assert.Equal(4u, close.Packets); // everything after the OPEN's first packet
        Assert.Equal(4u, close.DurationMs);
        Assert.Equal((byte)(TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Fin), close.TcpFlags);
        Assert.Equal(FlowEndReason.TcpFin, Assert.Single(scenario.Output.EndedFlows).EndReason);
        Assert.Equal(1, scenario.Tracker.GetStats().ClosesByReason[(int)FlowEndReason.TcpFin]);
    }

    [Fact]
    public void A_packet_after_the_close_starts_a_new_flow_as_netflow_does()
    {
        var scenario = new FlowScenario()
            .Send(TcpFrame("10.0.0.1", 40000, "10.0.0.2", 80, TcpFlags.Fin | TcpFlags.Ack), 0)
            .Send(TcpFrame("10.0.0.2", 80, "10.0.0.1", 40000, TcpFlags.Fin | TcpFlags.Ack), 1)
            .Send(TcpFrame("10.0.0.1", 40000, "10.0.0.2", 80, TcpFlags.Ack), 2)
            .Flush();

        Assert.Equal(["Open", "Close", "Open", "Close"], scenario.Output.FlowRecords.Select(e => e.Kind.ToString()));
        Assert.Equal([FlowEndReason.TcpFin, FlowEndReason.EndOfCapture], scenario.Output.EndedFlows.Select(f => f.EndReason));
    }

    [Fact]
    public void A_reset_from_either_side_closes_the_flow_at_once()
    {
        var scenario = new FlowScenario()
            .Send(TcpFrame("10.0.0.1", 40000, "10.0.0.2", 81, TcpFlags.Syn), 0)
            .Send(TcpFrame("10.0.0.2", 81, "10.0.0.1", 40000, TcpFlags.Rst | TcpFlags.Ack), 0.2);

        Assert.Equal(0, scenario.Tracker.ActiveFlows);
        GraphEdge close = Assert.Single(scenario.Output.OfKind(EdgeKind.Close));
        Assert.Equal(1u, close.Packets);
        Assert.Equal((byte)(TcpFlags.Rst | TcpFlags.Ack), close.TcpFlags);
        Assert.Equal(FlowEndReason.TcpRst, Assert.Single(scenario.Output.EndedFlows).EndReason);
    }

    [Fact]
    public void An_idle_flow_closes_exactly_at_the_idle_timeout_of_event_time()
    {
        var scenario = new FlowScenario(new FlowTrackerOptions { IdleTimeout = TimeSpan.FromSeconds(60) })
            .Send(UdpFrame("10.0.0.1", 5000, "10.0.0.2", 53), 0)
            .Send(UdpFrame("10.0.0.1", 5000, "10.0.0.2", 53), 500)
            .Advance(60_499);
        Assert.Equal(1, scenario.Tracker.ActiveFlows);

        scenario.Advance(60_500);

        Assert.Equal(0, scenario.Tracker.ActiveFlows);
        Assert.Equal(["Open", "Tick", "Close"], scenario.Output.FlowRecords.Select(e => e.Kind.ToString()));
        GraphEdge close = scenario.Output.OfKind(EdgeKind.Close).Single();
        Assert.Equal(0u, close.Packets); // the tick at 1 s already reported the second packet
        Assert.Equal((ulong)At(500), close.TimestampNs);
        Assert.Equal(500u, close.DurationMs);
        Assert.Equal(FlowEndReason.IdleTimeout, Assert.Single(scenario.Output.EndedFlows).EndReason);
    }

    [Fact]
    public void Ticks_report_only_flows_with_traffic_since_their_last_record()
    {
        var scenario = new FlowScenario()
            .Send(UdpFrame("10.0.0.1", 1000, "10.0.0.2", 2000), 0)   // busy flow
            .Send(UdpFrame("10.0.0.3", 1000, "10.0.0.4", 2000), 0)   // quiet flow: OPEN only
            .Send(UdpFrame("10.0.0.1", 1000, "10.0.0.2", 2000), 1_500)
            .Send(UdpFrame("10.0.0.1", 1000, "10.0.0.2", 2000), 1_600)
            .Advance(2_000);

        GraphEdge tick = Assert.Single(scenario.Output.OfKind(EdgeKind.Tick));
        Assert.Equal(Node("10.0.0.1"), tick.SrcNode);
        Assert.Equal(2u, tick.Packets);
        Assert.Equal((ulong)At(1_600), tick.TimestampNs);
        Assert.Equal(1_600u, tick.DurationMs);
    }

    [Fact]
    public void The_active_timeout_closes_the_segment_and_counting_restarts_with_the_same_orientation()
    {
        var options = new FlowTrackerOptions { ActiveTimeout = TimeSpan.FromSeconds(10), IdleTimeout = TimeSpan.FromSeconds(60) };
        var scenario = new FlowScenario(options).Send(UdpFrame("10.0.0.1", 5000, "10.0.0.2", 9000), 0);
        for (int ms = 500; ms <= 25_000; ms += 500)
        {
            // Every later packet comes from the responder, including the ones that reopen a segment.
            scenario.Send(UdpFrame("10.0.0.2", 9000, "10.0.0.1", 5000), ms);
        }

        scenario.Flush();

        GraphEdge[] closes = scenario.Output.OfKind(EdgeKind.Close).ToArray();
        Assert.Equal(3, closes.Length);
        Assert.Equal(3, scenario.Output.OfKind(EdgeKind.Open).Count());
        Assert.All(scenario.Output.FlowRecords, e => Assert.Equal(Node("10.0.0.1"), e.SrcNode));
        Assert.Equal(2, scenario.Tracker.GetStats().ClosesByReason[(int)FlowEndReason.ActiveTimeout]);
        // Segments: [0, 9.5 s] closed at the 10 s tick, [10 s, 19.5 s] at 20 s, [20 s, 25 s] at the end.
        Assert.Equal([9_500u, 9_500u, 5_000u], closes.Select(c => c.DurationMs));
        FlowSummary flow = Assert.Single(scenario.Output.EndedFlows);
        Assert.Equal(51ul, flow.Forward.Packets + flow.Reverse.Packets);
        Assert.Equal(51L, scenario.Output.FlowRecords.Sum(e => (long)e.Packets));
    }

    [Fact]
    public void A_full_table_evicts_the_least_recently_seen_flow_and_counts_it()
    {
        var scenario = new FlowScenario(new FlowTrackerOptions { MaxFlows = 3, InitialFlowCapacity = 1 })
            .Send(UdpFrame("10.0.0.1", 1, "10.0.1.1", 53), 0)
            .Send(UdpFrame("10.0.0.2", 1, "10.0.1.1", 53), 1)
            .Send(UdpFrame("10.0.0.3", 1, "10.0.1.1", 53), 2)
            .Send(UdpFrame("10.0.0.1", 1, "10.0.1.1", 53), 2.5)
            .Send(UdpFrame("10.0.0.4", 1, "10.0.1.1", 53), 3);

        Assert.Equal(3, scenario.Tracker.ActiveFlows);
        FlowTrackerStats stats = scenario.Tracker.GetStats();
        Assert.Equal(1, stats.FlowsEvicted);
        Assert.Equal(1, stats.ClosesByReason[(int)FlowEndReason.Evicted]);
        FlowSummary evicted = Assert.Single(scenario.Output.EndedFlows);
        Assert.Equal(FlowEndReason.Evicted, evicted.EndReason);
        Assert.Equal(Node("10.0.0.2"), evicted.OriginatorNode);
        Assert.Equal(Node("10.0.0.2"), scenario.Output.OfKind(EdgeKind.Close).Single().SrcNode);
    }

    [Fact]
    public void A_late_packet_is_counted_at_the_clock_time_and_reported()
    {
        var scenario = new FlowScenario()
            .Send(UdpFrame("10.0.0.1", 1, "10.0.0.2", 2), 100)
            .Send(UdpFrame("10.0.0.1", 1, "10.0.0.2", 2), 50)
            .Flush();

        Assert.Equal(1, scenario.Tracker.GetStats().LatePackets);
        FlowSummary flow = Assert.Single(scenario.Output.EndedFlows);
        Assert.Equal(2ul, flow.Forward.Packets);
        Assert.Equal(At(100), flow.LastSeenNs);
    }
}
