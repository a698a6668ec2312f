using NerfEngine.Sensor.Capture.Xdp;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Shared.Messages.Hashing;
using NerfEngine.Shared.Messages.Records;
using static NerfEngine.Tests.SensorNode.Support.Frames;
using static NerfEngine.Tests.SensorNode.Flows.FlowScenario;

namespace NerfEngine.Tests.SensorNode.Capture.Xdp;

/// <summary>
/// The XDP program itself, run by the kernel on crafted frames through BPF_PROG_TEST_RUN (bpf_prog_test_run_opts):
/// what it puts in the flow table, the aggregate maps, the rings and the counters. Needs root (CAP_BPF).
/// </summary>
[Collection(XdpCollection.Name)]
public sealed class XdpProgramTests : IDisposable
{
    private const string Client = "10.0.0.1";
    private const string Server = "10.0.0.2";

    private readonly XdpTestProgram _xdp = new();

    [Fact]
    public void A_syn_opens_a_flow_whose_node_ids_and_edge_hash_equal_the_user_space_ones()
    {
        _xdp.Run(TcpFrame(Client, 40000, Server, 80, TcpFlags.Syn, payload: 10));

        XdpKernelCounters counters = _xdp.Counters;
        Assert.Equal((1, 1, 0, 0, 50, 1), (counters.Packets, counters.IpPackets, counters.NonIp, counters.ParseErrors, counters.IpBytes, counters.FlowsCreated));

        XdpFlowState flow = _xdp.Flows()[XdpKeys.For(Client, 40000, Server, 80, IpProtocols.Tcp)];
        Assert.Equal(Node(Client), flow.SrcNode);
        Assert.Equal(Node(Server), flow.DstNode);
        Assert.Equal(Fnv1a64.EdgeHash(Node(Server), 80, IpProtocols.Tcp), flow.EdgeHash);
        Assert.Equal((1ul, 50ul, (uint)TcpFlags.Syn, 0ul), (flow.PacketsFwd, flow.BytesFwd, flow.FlagsFwd, flow.PacketsRev));
        Assert.Equal((40000, 80), (flow.SrcPort, flow.DstPort));

        Assert.Equal(1, _xdp.ConsumeRings());
        XdpEdgeEvent open = Assert.Single(_xdp.Records.EdgeEvents);
        Assert.Equal(EdgeKind.Open, open.Edge.Kind);
        Assert.Equal((Node(Client), Node(Server), flow.EdgeHash), (open.Edge.SrcNode, open.Edge.DstNode, open.Edge.EdgeHash));
        Assert.Equal((1u, 50u, 1ul, 50ul), (open.Edge.Packets, open.Edge.Bytes, open.Packets, open.Bytes));
        Assert.Equal((40000, 80, IpProtocols.Tcp, (byte)4, (byte)TcpFlags.Syn), (open.Edge.SrcPort, open.Edge.DstPort, open.Edge.Protocol, open.Edge.IpVersion, open.Edge.TcpFlags));
        Assert.Equal(flow.FirstNs, open.Edge.TimestampNs);
        Assert.Equal([10, 0, 0, 1], ((ReadOnlySpan<byte>)open.SrcAddr)[..4].ToArray());

        XdpEdgeAggregate aggregate = _xdp.Aggregates(0)[flow.EdgeHash];
        Assert.Equal((1ul, 50ul, Node(Server), (ushort)80, IpProtocols.Tcp), (aggregate.Packets, aggregate.Bytes, aggregate.DstNode, aggregate.DstPort, aggregate.Protocol));
        Assert.Empty(_xdp.Aggregates(1));
    }

    [Fact]
    public void Fins_from_both_sides_close_the_flow_with_everything_after_the_open_and_report_its_end()
    {
        _xdp.Run(TcpFrame(Client, 40001, Server, 443, TcpFlags.Syn));
        _xdp.Run(TcpFrame(Server, 443, Client, 40001, TcpFlags.Syn | TcpFlags.Ack));
        _xdp.Run(TcpFrame(Client, 40001, Server, 443, TcpFlags.Ack, payload: 100));
        _xdp.Run(TcpFrame(Client, 40001, Server, 443, TcpFlags.Fin | TcpFlags.Ack));
        _xdp.Run(TcpFrame(Server, 443, Client, 40001, TcpFlags.Fin | TcpFlags.Ack));

        _xdp.ConsumeRings();
        Assert.Empty(_xdp.Flows());
        Assert.Equal([EdgeKind.Open, EdgeKind.Close], _xdp.Records.EdgeEvents.Select(e => e.Edge.Kind));
        XdpEdgeEvent close = _xdp.Records.EdgeEvents[1];
        Assert.Equal((4u, 40u + 140 + 40 + 40), (close.Edge.Packets, close.Edge.Bytes));
        Assert.Equal((byte)(TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Fin), close.Edge.TcpFlags);
        Assert.Equal((Node(Client), Node(Server)), (close.Edge.SrcNode, close.Edge.DstNode));

        XdpFlowEnd end = Assert.Single(_xdp.Records.FlowEnds);
        Assert.Equal(XdpFlowEndReason.TcpFin, (XdpFlowEndReason)end.Reason);
        Assert.Equal((3ul, 2ul, 40ul + 140 + 40, 80ul), (end.Flow.PacketsFwd, end.Flow.PacketsRev, end.Flow.BytesFwd, end.Flow.BytesRev));
    }

    [Fact]
    public void A_rst_ends_the_flow_and_a_later_packet_opens_a_new_one()
    {
        _xdp.Run(TcpFrame(Client, 40002, Server, 22, TcpFlags.Syn));
        _xdp.Run(TcpFrame(Server, 22, Client, 40002, TcpFlags.Rst | TcpFlags.Ack));
        _xdp.Run(TcpFrame(Client, 40002, Server, 22, TcpFlags.Syn));

        _xdp.ConsumeRings();
        Assert.Equal([EdgeKind.Open, EdgeKind.Close, EdgeKind.Open], _xdp.Records.EdgeEvents.Select(e => e.Edge.Kind));
        Assert.Equal(XdpFlowEndReason.TcpRst, (XdpFlowEndReason)Assert.Single(_xdp.Records.FlowEnds).Reason);
        Assert.Single(_xdp.Flows());
        Assert.Equal(2, _xdp.Counters.FlowsCreated);
    }

    [Fact]
    public void A_syn_ack_seen_first_makes_its_receiver_the_originator()
    {
        _xdp.Run(TcpFrame(Server, 8080, Client, 50000, TcpFlags.Syn | TcpFlags.Ack));

        _xdp.ConsumeRings();
        XdpEdgeEvent open = Assert.Single(_xdp.Records.EdgeEvents);
        Assert.Equal((Node(Client), Node(Server), (ushort)50000, (ushort)8080), (open.Edge.SrcNode, open.Edge.DstNode, open.Edge.SrcPort, open.Edge.DstPort));
        XdpFlowState flow = Assert.Single(_xdp.Flows()).Value;
        Assert.Equal((0ul, 1ul), (flow.PacketsFwd, flow.PacketsRev));
    }

    [Fact]
    public void A_syn_from_the_presumed_responder_reorients_the_flow()
    {
        _xdp.Run(TcpFrame(Client, 40003, Server, 9000, TcpFlags.Ack, payload: 5));
        _xdp.Run(TcpFrame(Server, 9000, Client, 40003, TcpFlags.Syn));

        _xdp.ConsumeRings();
        Assert.Equal(XdpFlowEndReason.Reoriented, (XdpFlowEndReason)Assert.Single(_xdp.Records.FlowEnds).Reason);
        XdpEdgeEvent reopened = _xdp.Records.EdgeEvents[^1];
        Assert.Equal(EdgeKind.Open, reopened.Edge.Kind);
        Assert.Equal((Node(Server), Node(Client), (ushort)9000), (reopened.Edge.SrcNode, reopened.Edge.DstNode, reopened.Edge.SrcPort));
    }

    [Fact]
    public void Vlan_and_qinq_ids_are_part_of_the_flow_key()
    {
        byte[] ip = Ipv4(Client, Server, IpProtocols.Udp, Udp(5000, 53, 20));
        _xdp.Run(Ethernet(EtherTypes.Ipv4, ip));
        _xdp.Run(Ethernet(EtherTypes.Ipv4, ip, (EtherTypes.Vlan, 0x2064)));
        _xdp.Run(Ethernet(EtherTypes.Ipv4, ip, (EtherTypes.QinQ, 200), (EtherTypes.Vlan, 300)));
        _xdp.Run(Ethernet(EtherTypes.Ipv4, ip, (EtherTypes.QinQLegacy, 201), (EtherTypes.Vlan, 301)));

        Dictionary<XdpFlowKey, XdpFlowState> flows = _xdp.Flows();
        Assert.Equal(4, flows.Count);
        Assert.Contains(XdpKeys.For(Client, 5000, Server, 53, IpProtocols.Udp), flows.Keys);
        Assert.Contains(XdpKeys.For(Client, 5000, Server, 53, IpProtocols.Udp, outerVlan: 100), flows.Keys);
        Assert.Contains(XdpKeys.For(Client, 5000, Server, 53, IpProtocols.Udp, outerVlan: 200, innerVlan: 300), flows.Keys);
        Assert.Contains(XdpKeys.For(Client, 5000, Server, 53, IpProtocols.Udp, outerVlan: 201, innerVlan: 301), flows.Keys);
        Assert.Equal(4 * 48L, _xdp.Counters.IpBytes);
        // One edge (same destination, port, protocol) whatever the VLAN: one aggregate of four packets.
        Assert.Equal(4ul, Assert.Single(_xdp.Aggregates(0)).Value.Packets);
    }

    [Fact]
    public void A_third_vlan_tag_is_a_parse_error_and_creates_nothing()
    {
        byte[] ip = Ipv4(Client, Server, IpProtocols.Udp, Udp(5000, 53));
        _xdp.Run(Ethernet(EtherTypes.Ipv4, ip, (EtherTypes.QinQ, 1), (EtherTypes.Vlan, 2), (EtherTypes.Vlan, 3)));

        Assert.Equal((1, 1, 0), (_xdp.Counters.Packets, _xdp.Counters.ParseErrors, _xdp.Counters.IpPackets));
        Assert.Empty(_xdp.Flows());
        Assert.Equal(0, _xdp.ConsumeRings());
    }

    [Fact]
    public void Ipv6_behind_extension_headers_is_keyed_on_its_transport_ports()
    {
        byte[] tcp = Tcp(41000, 443, TcpFlags.Syn, payloadBytes: 12);
        byte[] chain = Ipv6Extension(IpProtocols.DestinationOptions, Ipv6Extension(IpProtocols.Tcp, tcp, extraUnits: 1));
        _xdp.Run(Ethernet(EtherTypes.Ipv6, Ipv6("fd00::1", "fd00::2", IpProtocols.HopByHop, chain)));
        _xdp.Run(Ethernet(EtherTypes.Ipv6, Ipv6("fd00::2", "fd00::1", IpProtocols.Icmpv6, Icmp(129, 0, 8))));

        Dictionary<XdpFlowKey, XdpFlowState> flows = _xdp.Flows();
        XdpFlowState tcpFlow = flows[XdpKeys.For("fd00::1", 41000, "fd00::2", 443, IpProtocols.Tcp)];
        Assert.Equal((6, 41000, 443), (tcpFlow.IpVersion, tcpFlow.SrcPort, tcpFlow.DstPort));
        Assert.Equal(40ul + 8 + 16 + 32, tcpFlow.BytesFwd);
        Assert.Equal(XdpKeys.Node("fd00::1"), tcpFlow.SrcNode);
        Assert.Contains(XdpKeys.For("fd00::2", 0, "fd00::1", 0, IpProtocols.Icmpv6), flows.Keys);
        Assert.Equal(0, _xdp.Counters.ParseErrors);
    }

    public static TheoryData<string, byte[]> MalformedFrames() => new()
    {
        { "ipv4 header cut", Ethernet(EtherTypes.Ipv4, Ipv4(Client, Server, IpProtocols.Udp, Udp(1, 2))[..12]) },
        { "ipv4 total length beyond the frame", Ethernet(EtherTypes.Ipv4, Ipv4(Client, Server, IpProtocols.Udp, Udp(1, 2, 40))[..40]) },
        { "ihl under 5", Ethernet(EtherTypes.Ipv4, WithByte(Ipv4(Client, Server, IpProtocols.Udp, Udp(1, 2)), 0, 0x44)) },
        { "tcp header cut by the ip length", Ethernet(EtherTypes.Ipv4, Ipv4(Client, Server, IpProtocols.Tcp, Tcp(1, 2, TcpFlags.Syn)[..12])) },
        { "udp length under 8", Ethernet(EtherTypes.Ipv4, Ipv4(Client, Server, IpProtocols.Udp, WithByte(Udp(1, 2), 5, 4))) },
        { "icmp shorter than its header", Ethernet(EtherTypes.Ipv4, Ipv4(Client, Server, IpProtocols.Icmp, Icmp(8, 0)[..4])) },
        { "ipv6 payload beyond the frame", Ethernet(EtherTypes.Ipv6, Ipv6("fd00::1", "fd00::2", IpProtocols.Udp, Udp(1, 2, 30))[..60]) },
        { "ipv6 extension chain overrunning the payload", Ethernet(EtherTypes.Ipv6, Ipv6("fd00::1", "fd00::2", IpProtocols.HopByHop, Ipv6Extension(IpProtocols.Udp, [], extraUnits: 0)[..6])) },
        { "vlan tag cut", Ethernet(0x8100, [0x00]) },
    };

    [Theory]
    [MemberData(nameof(MalformedFrames))]
    public void Truncated_and_malformed_frames_are_parse_errors_and_create_nothing(string what, byte[] frame)
    {
        Assert.True(PacketParser.Parse(frame, out _).IsError(), $"user-space parser accepted: {what}");

        _xdp.Run(frame);

        Assert.Equal((1, 1, 0), (_xdp.Counters.Packets, _xdp.Counters.ParseErrors, _xdp.Counters.IpPackets));
        Assert.Empty(_xdp.Flows());
    }

    [Fact]
    public void Non_ip_frames_are_counted_apart_from_errors()
    {
        _xdp.Run(Ethernet(0x0806, Arp()));
        Assert.Equal((1, 1, 0), (_xdp.Counters.Packets, _xdp.Counters.NonIp, _xdp.Counters.ParseErrors));
    }

    [Fact]
    public void Ipv4_fragments_key_the_first_by_ports_and_the_rest_by_id_and_the_last_ends_them()
    {
        byte[] datagram = Udp(7000, 514, payloadBytes: 64);
        _xdp.Run(Ethernet(EtherTypes.Ipv4, Ipv4(Client, Server, IpProtocols.Udp, datagram[..24], id: 0x4242, moreFragments: true)));
        _xdp.Run(Ethernet(EtherTypes.Ipv4, Ipv4(Client, Server, IpProtocols.Udp, datagram[24..48], id: 0x4242, moreFragments: true, fragmentOffset: 24)));
        Dictionary<XdpFlowKey, XdpFlowState> flows = _xdp.Flows();
        Assert.Contains(XdpKeys.For(Client, 7000, Server, 514, IpProtocols.Udp), flows.Keys);
        Assert.Contains(XdpKeys.Fragment(Client, Server, IpProtocols.Udp, 0x4242), flows.Keys);

        _xdp.Run(Ethernet(EtherTypes.Ipv4, Ipv4(Client, Server, IpProtocols.Udp, datagram[48..], id: 0x4242, fragmentOffset: 48)));

        Assert.Equal(3, _xdp.Counters.Fragments);
        Assert.DoesNotContain(XdpKeys.Fragment(Client, Server, IpProtocols.Udp, 0x4242), _xdp.Flows().Keys);
        _xdp.ConsumeRings();
        XdpFlowEnd end = Assert.Single(_xdp.Records.FlowEnds);
        Assert.Equal(XdpFlowEndReason.FragmentComplete, (XdpFlowEndReason)end.Reason);
        Assert.Equal((1, 0x4242u, 2ul), (end.Key.IsFragment, end.Key.FragmentId, end.Flow.PacketsFwd));
        XdpEdgeEvent close = _xdp.Records.EdgeEvents.Single(e => e.Edge.Kind == EdgeKind.Close);
        Assert.Equal((1u, 0, 0), (close.Edge.Packets, close.Edge.SrcPort, close.Edge.DstPort));
    }

    [Fact]
    public void Ipv6_fragments_are_keyed_by_their_32_bit_id()
    {
        byte[] datagram = Udp(7001, 514, payloadBytes: 40);
        _xdp.Run(Ethernet(EtherTypes.Ipv6, Ipv6("fd00::1", "fd00::2", IpProtocols.Fragment,
            Ipv6Fragment(IpProtocols.Udp, datagram[..16], fragmentOffset: 0, moreFragments: true, id: 0xDEADBEEF))));
        _xdp.Run(Ethernet(EtherTypes.Ipv6, Ipv6("fd00::1", "fd00::2", IpProtocols.Fragment,
            Ipv6Fragment(IpProtocols.Udp, datagram[16..], fragmentOffset: 16, moreFragments: false, id: 0xDEADBEEF))));

        Assert.Contains(XdpKeys.For("fd00::1", 7001, "fd00::2", 514, IpProtocols.Udp), _xdp.Flows().Keys);
        _xdp.ConsumeRings();
        XdpFlowEnd end = Assert.Single(_xdp.Records.FlowEnds);
        Assert.Equal((XdpFlowEndReason.FragmentComplete, 0xDEADBEEFu, (byte)6), ((XdpFlowEndReason)end.Reason, end.Key.FragmentId, end.Key.IpVersion));
        Assert.Equal(2, _xdp.Counters.Fragments);
    }

    [Fact]
    public void A_tiny_edge_ring_overrun_counts_every_failed_reservation()
    {
        using var tiny = new XdpTestProgram(edgeRingBytes: 4096);
        for (int i = 0; i < 100; i++)
        {
            tiny.Run(TcpFrame(Client, (ushort)(20000 + i), Server, 80, TcpFlags.Syn));
        }

        int delivered = tiny.ConsumeRings();
        XdpKernelCounters counters = tiny.Counters;
        Assert.Equal(100, counters.FlowsCreated);
        Assert.Equal(4096 / (XdpEdgeEvent.Size + 8), delivered); // 8-byte BPF_RINGBUF_HDR_SZ per record
        Assert.Equal(100 - delivered, counters.EdgeRingFull);
        Assert.Equal(counters.EdgeRingFull, counters.Lost);
    }

    public void Dispose() => _xdp.Dispose();

    private static byte[] WithByte(byte[] bytes, int index, byte value)
    {
        bytes[index] = value;
        return bytes;
    }
}
