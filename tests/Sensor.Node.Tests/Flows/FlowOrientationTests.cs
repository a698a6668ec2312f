using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Shared.Messages.Records;
using static NerfEngine.Tests.SensorNode.Flows.FlowScenario;

namespace NerfEngine.Tests.SensorNode.Flows;

public sealed class FlowOrientationTests
{
    [Fact]
    public void First_packet_sender_is_the_originator_and_both_directions_share_one_flow()
    {
        // 10.0.0.9 sorts after 10.0.0.1, so the originator is the key's side B: orientation is not key order.
        var scenario = new FlowScenario()
            .Send(UdpFrame("10.0.0.9", 5000, "10.0.0.1", 53, payload: 10), 0)
            .Send(UdpFrame("10.0.0.1", 53, "10.0.0.9", 5000, payload: 30), 1)
            .Send(UdpFrame("10.0.0.9", 5000, "10.0.0.1", 53, payload: 10), 2)
            .Flush();

        GraphEdge open = Assert.Single(scenario.Output.OfKind(EdgeKind.Open));
        Assert.Equal(Node("10.0.0.9"), open.SrcNode);
        Assert.Equal(Node("10.0.0.1"), open.DstNode);
        Assert.Equal((ushort)5000, open.SrcPort);
        Assert.Equal((ushort)53, open.DstPort);
        Assert.Equal(IpProtocols.Udp, open.Protocol);
        Assert.Equal(4, open.IpVersion);
        Assert.Equal(1u, open.Packets);
        Assert.Equal(38u, open.Bytes); // IP bytes: 20 + 8 + 10, no Ethernet
        Assert.Equal(EdgeHash("10.0.0.1", 53, IpProtocols.Udp), open.EdgeHash);
        Assert.Equal(FlowTrackerOptions.DefaultSensorId, open.SensorId);

        FlowSummary flow = Assert.Single(scenario.Output.EndedFlows);
        Assert.Equal(new FlowDirectionTotals(2, 76, 104, TcpFlags.None), flow.Forward);
        Assert.Equal(new FlowDirectionTotals(1, 58, 72, TcpFlags.None), flow.Reverse);
        Assert.Equal((ushort)5000, flow.OriginatorPort);
        Assert.Equal(FlowEndReason.EndOfCapture, flow.EndReason);
        GraphEdge close = Assert.Single(scenario.Output.OfKind(EdgeKind.Close));
        Assert.Equal(2u, close.Packets);
        Assert.Equal((ulong)At(2), close.TimestampNs);
        Assert.Equal(2u, close.DurationMs);
    }

    [Fact]
    public void A_syn_ack_seen_first_makes_its_receiver_the_originator()
    {
        var scenario = new FlowScenario()
            .Send(TcpFrame("10.0.0.2", 443, "10.0.0.1", 40000, TcpFlags.Syn | TcpFlags.Ack), 0)
            .Send(TcpFrame("10.0.0.1", 40000, "10.0.0.2", 443, TcpFlags.Ack), 1)
            .Flush();

        GraphEdge open = Assert.Single(scenario.Output.OfKind(EdgeKind.Open));
        Assert.Equal(Node("10.0.0.1"), open.SrcNode);
        Assert.Equal((ushort)443, open.DstPort);
        Assert.Equal((byte)(TcpFlags.Syn | TcpFlags.Ack), open.TcpFlags);
        FlowSummary flow = Assert.Single(scenario.Output.EndedFlows);
        Assert.Equal(1ul, flow.Forward.Packets);
        Assert.Equal(TcpFlags.Ack, flow.Forward.TcpFlags);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, flow.Reverse.TcpFlags);
    }

    [Fact]
    public void A_syn_from_the_presumed_responder_restarts_the_flow_with_the_syn_sender_as_source()
    {
        // The capture starts mid-connection (server data first), then the client opens a new connection on the same ports.
        var scenario = new FlowScenario()
            .Send(TcpFrame("10.0.0.2", 443, "10.0.0.1", 40000, TcpFlags.Ack | TcpFlags.Psh, payload: 100), 0)
            .Send(TcpFrame("10.0.0.1", 40000, "10.0.0.2", 443, TcpFlags.Syn), 5)
            .Send(TcpFrame("10.0.0.2", 443, "10.0.0.1", 40000, TcpFlags.Syn | TcpFlags.Ack), 6)
            .Flush();

        Assert.Equal(["Open", "Close", "Open", "Close"], scenario.Output.FlowRecords.Select(e => e.Kind.ToString()));
        GraphEdge[] records = scenario.Output.FlowRecords.ToArray();
        Assert.Equal(Node("10.0.0.2"), records[0].SrcNode);
        Assert.Equal(Node("10.0.0.1"), records[2].SrcNode);
        Assert.Equal((ushort)443, records[2].DstPort);
        Assert.Equal(EdgeHash("10.0.0.2", 443, IpProtocols.Tcp), records[2].EdgeHash);
        Assert.Equal(FlowEndReason.Reoriented, scenario.Output.EndedFlows[0].EndReason);
        Assert.Equal(1, scenario.Tracker.GetStats().ClosesByReason[(int)FlowEndReason.Reoriented]);
        Assert.Equal(1ul, scenario.Output.EndedFlows[1].Reverse.Packets);
    }

    [Fact]
    public void Simultaneous_open_keeps_the_first_syn_sender_as_originator()
    {
        var scenario = new FlowScenario()
            .Send(TcpFrame("10.0.0.1", 7000, "10.0.0.2", 7001, TcpFlags.Syn), 0)
            .Send(TcpFrame("10.0.0.2", 7001, "10.0.0.1", 7000, TcpFlags.Syn), 0.5)
            .Flush();

        Assert.Single(scenario.Output.OfKind(EdgeKind.Open));
        FlowSummary flow = Assert.Single(scenario.Output.EndedFlows);
        Assert.Equal((ushort)7000, flow.OriginatorPort);
        Assert.Equal(1ul, flow.Reverse.Packets);
    }

    [Fact]
    public void A_vlan_aware_tracker_keeps_the_same_five_tuple_on_two_vlans_apart()
    {
        byte[] onVlan10 = UdpFrame("10.0.0.1", 5000, "10.0.0.2", 53, vlan: 10);
        byte[] onVlan20 = UdpFrame("10.0.0.1", 5000, "10.0.0.2", 53, vlan: 20);

        var aware = new FlowScenario().Send(onVlan10, 0).Send(onVlan20, 1).Flush();
        var unaware = new FlowScenario(new FlowTrackerOptions { VlanAware = false }).Send(onVlan10, 0).Send(onVlan20, 1).Flush();

        Assert.Equal([10, 20], aware.Output.EndedFlows.Select(f => (int)f.Key.OuterVlanId).Order());
        FlowSummary merged = Assert.Single(unaware.Output.EndedFlows);
        Assert.Equal(2ul, merged.Forward.Packets);
        Assert.Equal(0, merged.Key.OuterVlanId);
    }

    [Fact]
    public void Ipv6_flows_use_the_sixteen_address_bytes_for_node_ids()
    {
        var scenario = new FlowScenario()
            .Send(TcpFrame("fd00::10", 50000, "fd00::20", 22, TcpFlags.Syn), 0)
            .Flush();

        GraphEdge open = Assert.Single(scenario.Output.OfKind(EdgeKind.Open));
        Assert.Equal(6, open.IpVersion);
        Assert.Equal(Node("fd00::10"), open.SrcNode);
        Assert.Equal(60u, open.Bytes); // 40-byte IPv6 header + 20-byte TCP header
        Assert.Equal(["fd00::10", "fd00::20"], scenario.Output.NodeAddresses.Select(a => a.ToIPAddress().ToString()));
    }
}
