using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Shared.Messages.Records;
using static NerfEngine.Tests.SensorNode.Flows.FlowScenario;
using static NerfEngine.Tests.SensorNode.Support.Frames;

namespace NerfEngine.Tests.SensorNode.Flows;

public sealed class FlowRecordTests
{
    [Fact]
    public void Open_tick_and_close_deltas_sum_to_each_flows_totals_and_aggregates_sum_to_each_edges_totals()
    {
        var options = new FlowTrackerOptions
        {
            IdleTimeout = TimeSpan.FromSeconds(2),
            ActiveTimeout = TimeSpan.FromSeconds(3),
            MaxFlows = 40,
            InitialFlowCapacity = 8,
        };
        var scenario = new FlowScenario(options);
        var random = new Random(7);
        for (int i = 0; i < 5_000; i++)
        {
            int client = random.Next(60);
            int server = random.Next(5);
            ushort clientPort = (ushort)(30000 + client);
            ushort serverPort = (ushort)(server % 2 == 0 ? 443 : 53);
            bool fromClient = random.Next(3) != 0;
            string clientAddress = $"10.1.0.{client + 1}";
            string serverAddress = $"10.2.0.{server + 1}";
            int payload = random.Next(0, 1200);
            byte[] frame = serverPort == 443
                ? fromClient
                    ? TcpFrame(clientAddress, clientPort, serverAddress, serverPort, TcpFlags.Ack | TcpFlags.Psh, payload)
                    : TcpFrame(serverAddress, serverPort, clientAddress, clientPort, TcpFlags.Ack, payload)
                : fromClient
                    ? UdpFrame(clientAddress, clientPort, serverAddress, serverPort, payload)
                    : UdpFrame(serverAddress, serverPort, clientAddress, clientPort, payload);
            scenario.Send(frame, i * 2.0);
        }

        scenario.Flush();

        RecordedOutput output = scenario.Output;
        Assert.True(scenario.Tracker.GetStats().FlowsEvicted > 0, "the scenario should exercise eviction");
        Assert.True(output.OfKind(EdgeKind.Tick).Any() && output.OfKind(EdgeKind.Aggregate).Any());
        Assert.Equal(5_000L, output.FlowRecords.Sum(e => (long)e.Packets));
        Assert.Equal(5_000L, output.OfKind(EdgeKind.Aggregate).Sum(e => (long)e.Packets));

        // Per flow identity (source, destination, ports, protocol): records sum to the summaries' totals.
        var recorded = output.FlowRecords
            .GroupBy(e => (e.SrcNode, e.DstNode, e.SrcPort, e.DstPort, e.Protocol))
            .ToDictionary(g => g.Key, g => (Packets: g.Sum(e => (long)e.Packets), Bytes: g.Sum(e => (long)e.Bytes)));
        var summarised = output.EndedFlows
            .GroupBy(f => (f.OriginatorNode, f.ResponderNode, f.OriginatorPort, f.ResponderPort, f.Key.Protocol))
            .ToDictionary(g => g.Key, g => (
                Packets: g.Sum(f => (long)(f.Forward.Packets + f.Reverse.Packets)),
                Bytes: g.Sum(f => (long)(f.Forward.IpBytes + f.Reverse.IpBytes))));
        Assert.Equal(summarised.OrderBy(p => p.Key).ToArray(), recorded.OrderBy(p => p.Key).ToArray());

        // Per edge hash: aggregates sum to the flows behind that edge.
        var aggregated = output.OfKind(EdgeKind.Aggregate).GroupBy(e => e.EdgeHash)
            .ToDictionary(g => g.Key, g => g.Sum(e => (long)e.Bytes));
        var byEdge = output.FlowRecords.GroupBy(e => e.EdgeHash).ToDictionary(g => g.Key, g => g.Sum(e => (long)e.Bytes));
        Assert.Equal(byEdge.OrderBy(p => p.Key).ToArray(), aggregated.OrderBy(p => p.Key).ToArray());

        // Every OPEN is matched by one CLOSE: an active timeout closes a segment, the next packet opens the next one.
        Assert.Equal(output.OfKind(EdgeKind.Open).Count(), output.OfKind(EdgeKind.Close).Count());
    }

    [Fact]
    public void An_aggregate_covers_one_window_of_one_edge_across_all_its_sources()
    {
        var scenario = new FlowScenario()
            .Send(UdpFrame("10.0.0.1", 1111, "10.0.0.9", 53, payload: 2), 10)
            .Send(UdpFrame("10.0.0.2", 2222, "10.0.0.9", 53, payload: 4), 30)
            .Send(UdpFrame("10.0.0.1", 1111, "10.0.0.9", 53, payload: 6), 60)
            .Flush();

        GraphEdge[] aggregates = scenario.Output.OfKind(EdgeKind.Aggregate).ToArray();
        Assert.Equal(2, aggregates.Length);
        GraphEdge first = aggregates[0];
        Assert.Equal(2u, first.Packets);
        Assert.Equal(30u + 32u, first.Bytes);
        Assert.Equal((ulong)At(30), first.TimestampNs); // the window's last packet
        Assert.Equal(20u, first.DurationMs);            // last − first inside the window
        Assert.Equal(0ul, first.SrcNode);               // an aggregate spans every source
        Assert.Equal(0, first.SrcPort);
        Assert.Equal(Node("10.0.0.9"), first.DstNode);
        Assert.Equal((ushort)53, first.DstPort);
        Assert.Equal(EdgeHash("10.0.0.9", 53, IpProtocols.Udp), first.EdgeHash);
        Assert.Equal(1u, aggregates[1].Packets);
        Assert.Equal((ulong)At(60), aggregates[1].TimestampNs);
    }

    [Fact]
    public void Each_node_address_is_announced_once_and_before_the_first_edge_naming_it()
    {
        var scenario = new FlowScenario()
            .Send(UdpFrame("10.0.0.1", 1, "10.0.0.2", 2), 0)
            .Send(UdpFrame("10.0.0.1", 1, "10.0.0.3", 2), 1)
            .Send(UdpFrame("10.0.0.2", 1, "10.0.0.3", 2), 2)
            .Send(UdpFrame("10.0.0.3", 2, "10.0.0.2", 1), 3)
            .Flush();

        Assert.Equal(["10.0.0.1", "10.0.0.2", "10.0.0.3"], scenario.Output.NodeAddresses.Select(a => a.ToIPAddress().ToString()));
        List<string> sequence = scenario.Output.Sequence;
        foreach (NodeAddress address in scenario.Output.NodeAddresses)
        {
            int announced = sequence.IndexOf($"N:{address.NodeId:x}");
            int firstUse = sequence.FindIndex(s => s.StartsWith("E:", StringComparison.Ordinal) && s.Contains($"{address.NodeId:x}", StringComparison.Ordinal));
            Assert.True(announced >= 0 && announced < firstUse, $"{address} must be announced before its first edge");
        }

        Assert.Equal(3, scenario.Tracker.GetStats().NodeAddresses);
    }

    [Fact]
    public void A_full_announced_node_set_is_reset_and_counted_so_new_nodes_are_still_announced()
    {
        var scenario = new FlowScenario(new FlowTrackerOptions { MaxKnownNodes = 2 })
            .Send(UdpFrame("10.0.0.1", 1, "10.0.0.2", 2), 0)
            .Send(UdpFrame("10.0.0.1", 1, "10.0.0.3", 2), 1);

        Assert.Contains(scenario.Output.NodeAddresses, a => a.ToIPAddress().ToString() == "10.0.0.3");
        Assert.Equal(1, scenario.Tracker.GetStats().KnownNodeResets);
    }

    [Fact]
    public void The_same_packets_give_the_same_records_whatever_the_hash_seed()
    {
        static RecordedOutput Run(ulong seed)
        {
            var scenario = new FlowScenario(new FlowTrackerOptions { MaxFlows = 16, InitialFlowCapacity = 2 }, seed);
            for (int i = 0; i < 400; i++)
            {
                scenario.Send(UdpFrame($"10.9.{i % 7}.{i % 13 + 1}", (ushort)(1000 + i % 11), "10.8.0.1", (ushort)(i % 3 + 1)), i * 7.5);
            }

            return scenario.Flush().Output;
        }

        RecordedOutput first = Run(1);
        RecordedOutput second = Run(0xDEADBEEFCAFEUL);
        Assert.Equal(first.Sequence, second.Sequence);
        Assert.Equal(first.Edges, second.Edges);
    }

    [Fact]
    public void Record_deltas_never_overflow_their_32_bit_counters()
    {
        // 65,536 maximum-size datagrams are 4 GiB of IP bytes inside one tick interval.
        byte[] jumbo = Ethernet(EtherTypes.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Udp, Udp(1, 2, 65_535 - 28)));
        Assert.Equal(ParseOutcome.Ipv4, PacketParser.Parse(jumbo, out ParsedPacket packet));
        var output = new RecordedOutput();
        var sink = new RecordingEdgeSink(output);
        var tracker = new FlowTracker(new FlowTrackerOptions(), 1);
        for (int i = 0; i < 65_600; i++)
        {
            tracker.Observe(in packet, FlowScenario.Epoch + i, ref sink);
        }

        tracker.Flush(ref sink);
        Assert.Single(output.OfKind(EdgeKind.Tick)); // reported early, before bytes would pass uint.MaxValue
        Assert.Equal(65_600L * 65_535, output.FlowRecords.Sum(e => (long)e.Bytes));
        Assert.Equal(65_600L * 65_535, output.OfKind(EdgeKind.Aggregate).Sum(e => (long)e.Bytes));
    }
}
