using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Shared.Messages.Records;
using static NerfEngine.Tests.SensorNode.Flows.FlowScenario;
using static NerfEngine.Tests.SensorNode.Support.Frames;

namespace NerfEngine.Tests.SensorNode.Flows;

public sealed class FlowFragmentTests
{
    [Fact]
    public void Ipv4_fragments_go_to_the_five_tuple_flow_when_first_and_to_a_fragment_id_flow_otherwise()
    {
        byte[] First(ushort id) => Ethernet(EtherTypes.Ipv4,
            Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Udp, Udp(5000, 6000, 1472), id: id, moreFragments: true));
        byte[] Later(ushort id, int offset, bool more) => Ethernet(EtherTypes.Ipv4,
            Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Udp, new byte[1480], id: id, moreFragments: more, fragmentOffset: offset));

        var scenario = new FlowScenario()
            .Send(First(0x77), 0).Send(Later(0x77, 1480, more: true), 0.1).Send(Later(0x77, 2960, more: false), 0.2)
            .Send(First(0x78), 1).Send(Later(0x78, 1480, more: false), 1.1)
            .Flush();

        FlowSummary udp = Assert.Single(scenario.Output.EndedFlows, f => !f.Key.IsFragment);
        Assert.Equal((ushort)5000, udp.OriginatorPort);
        Assert.Equal(2ul, udp.Forward.Packets); // the two first fragments
        FlowSummary[] fragments = scenario.Output.EndedFlows.Where(f => f.Key.IsFragment).ToArray();
        Assert.Equal([0x77u, 0x78u], fragments.Select(f => f.Key.FragmentId));
        Assert.All(fragments, f =>
        {
            Assert.Equal(FlowEndReason.FragmentComplete, f.EndReason);
            Assert.Equal(0, f.OriginatorPort);
            Assert.Equal(0, f.ResponderPort);
            Assert.Equal(IpProtocols.Udp, f.Key.Protocol);
        });
        Assert.Equal(2ul, fragments[0].Forward.Packets);
        FlowTrackerStats stats = scenario.Tracker.GetStats();
        Assert.Equal(3, stats.NonFirstFragments);
        Assert.Equal(2, stats.FragmentFlowsCreated);
        Assert.Equal(2, stats.ClosesByReason[(int)FlowEndReason.FragmentComplete]);
        Assert.All(scenario.Output.FlowRecords.Where(e => e.DstPort == 0), e => Assert.Equal(EdgeHash("10.0.0.2", 0, IpProtocols.Udp), e.EdgeHash));
    }

    [Fact]
    public void Ipv6_non_first_fragments_are_keyed_by_their_32_bit_identification()
    {
        byte[] Fragment(uint id, int offset, bool more, byte[] rest) => Ethernet(EtherTypes.Ipv6,
            Ipv6("fd00::1", "fd00::2", IpProtocols.Fragment, Ipv6Fragment(IpProtocols.Icmpv6, rest, offset, more, id)));

        var scenario = new FlowScenario()
            .Send(Fragment(0xA0000001, 0, more: true, Icmp(128, 0, 1440)), 0)
            .Send(Fragment(0xA0000001, 1448, more: false, new byte[600]), 0.1)
            .Send(Fragment(0xA0000002, 1448, more: true, new byte[1448]), 5)
            .Flush();

        FlowSummary icmp = Assert.Single(scenario.Output.EndedFlows, f => !f.Key.IsFragment);
        Assert.Equal(IpProtocols.Icmpv6, icmp.Key.Protocol);
        FlowSummary[] fragments = scenario.Output.EndedFlows.Where(f => f.Key.IsFragment).ToArray();
        Assert.Equal([0xA0000001u, 0xA0000002u], fragments.Select(f => f.Key.FragmentId));
        Assert.Equal([FlowEndReason.FragmentComplete, FlowEndReason.EndOfCapture], fragments.Select(f => f.EndReason));
        Assert.All(fragments, f => Assert.Equal(IpProtocols.Icmpv6, f.Key.Protocol));
    }

    [Fact]
    public void A_conversation_ledger_merges_the_fragments_of_an_address_pair_into_one_row()
    {
        var ledger = new ConversationLedger();
        var scenario = new FlowScenario();
        for (ushort id = 1; id <= 5; id++)
        {
            scenario.Send(Ethernet(EtherTypes.Ipv4,
                Ipv4("10.0.0.1", "10.0.0.2", IpProtocols.Icmp, new byte[800], id: id, fragmentOffset: 1480)), id);
        }

        scenario.Flush();
        foreach (FlowSummary flow in scenario.Output.EndedFlows)
        {
            ledger.Add(in flow);
        }

        Conversation row = Assert.Single(ledger.GetConversations());
        Assert.True(row.IsFragments);
        Assert.Equal(5ul, row.Forward.Packets);
        Assert.Equal(5, row.FlowCount);
        Assert.Equal(5ul * (14 + 820), row.Forward.FrameBytes);
    }
}
