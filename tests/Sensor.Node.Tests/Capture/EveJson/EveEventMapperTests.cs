using System.Net;
using System.Text;
using NerfEngine.Sensor.Capture.EveJson;
using NerfEngine.Sensor.Flows;
using NerfEngine.Shared.Messages.Hashing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Tests.SensorNode.Capture.EveJson;

/// <summary>What each Suricata event becomes: edges, node addresses, and the side tables.</summary>
public sealed class EveEventMapperTests
{
    private readonly RecordingEdgeSink _sink = new();
    private readonly List<EveAlert> _alerts = [];
    private readonly EveEventMapper _mapper;

    public EveEventMapperTests()
    {
        _mapper = new EveEventMapper(new EveMapperOptions { SensorId = 7 }, _alerts.Add);
    }

    [Fact]
    public void A_tcp_flow_becomes_an_open_at_its_start_and_a_close_with_both_directions_totals()
    {
        Assert.Equal(EveLineOutcome.Flow, Map(EveLines.TcpFlowV4));

        ulong src = NodeId("10.0.0.5");
        ulong dst = NodeId("93.184.216.34");
        GraphEdge open = _sink.Edges[0];
        GraphEdge close = _sink.Edges[1];
        Assert.Equal(new GraphEdge
        {
            TimestampNs = EveLines.UnixNs("2024-01-15T10:30:00.123456+00:00"),
            SrcNode = src,
            DstNode = dst,
            EdgeHash = Fnv1a64.EdgeHash(dst, 443, 6),
            SrcPort = 51234,
            DstPort = 443,
            SensorId = 7,
            Protocol = 6,
            Kind = EdgeKind.Open,
            IpVersion = 4,
        }, open);
        Assert.Equal(open with
        {
            TimestampNs = EveLines.UnixNs("2024-01-15T10:30:05.654321+00:00"),
            Kind = EdgeKind.Close,
            Packets = 22,
            Bytes = 1820 + 9876,
            DurationMs = 5530,
            TcpFlags = 0x1b,
        }, close);
    }

    [Fact]
    public void Summing_a_flows_records_gives_suricatas_totals()
    {
        Map(EveLines.TcpFlowV4);

        Assert.Equal(22u, (uint)_sink.Edges.Sum(e => e.Packets));
        Assert.Equal(11696u, (uint)_sink.Edges.Sum(e => e.Bytes));
    }

    [Fact]
    public void An_ipv6_flow_hashes_the_sixteen_address_bytes_whether_written_long_or_compressed()
    {
        Assert.Equal(EveLineOutcome.Flow, Map(EveLines.UdpFlowV6));

        GraphEdge close = _sink.Edges[1];
        Assert.Equal(NodeId("2001:db8::10"), close.SrcNode);
        Assert.Equal(NodeId("2001:db8::53"), close.DstNode);
        Assert.Equal(Fnv1a64.EdgeHash(close.DstNode, 53, 17), close.EdgeHash);
        Assert.Equal((6, 17, 2u, 240u, 0u), (close.IpVersion, close.Protocol, close.Packets, close.Bytes, close.DurationMs));
        Assert.All(_sink.Addresses, a => Assert.Equal(6, a.IpVersion));
    }

    [Fact]
    public void An_icmp_flow_has_no_ports_and_no_tcp_flags()
    {
        Map(EveLines.IcmpFlowV4);

        GraphEdge close = _sink.Edges[1];
        Assert.Equal((1, 0, 0, 0, 2000u), (close.Protocol, close.SrcPort, close.DstPort, close.TcpFlags, close.DurationMs));
        Assert.Equal(Fnv1a64.EdgeHash(NodeId("10.0.0.1"), 0, 1), close.EdgeHash);
    }

    [Fact]
    public void Node_addresses_are_announced_once_each_and_before_the_first_edge_naming_them()
    {
        Map(EveLines.TcpFlowV4);
        Map(EveLines.TcpFlowV4);
        Map(EveLines.Http);

        ulong src = NodeId("10.0.0.5");
        ulong dst = NodeId("93.184.216.34");
        Assert.Equal([$"A:{src:x16}", $"A:{dst:x16}", $"E:{src:x16}>{dst:x16}", $"E:{src:x16}>{dst:x16}"], _sink.Log.Take(4));
        Assert.Equal(2, _sink.Addresses.Count);
        Assert.Equal(NodeAddress.FromIPAddress(IPAddress.Parse("10.0.0.5")), _sink.Addresses[0]);
        Assert.Equal(2, _mapper.GetStats().NodeAddressesEmitted);
    }

    [Fact]
    public void Node_ids_equal_fnv1a_of_the_raw_address_bytes()
    {
        Map(EveLines.TcpFlowV4);

        Assert.Equal(Fnv1a64.NodeId([10, 0, 0, 5]), _sink.Edges[0].SrcNode);
        Assert.Equal(Fnv1a64.NodeId([93, 184, 216, 34]), _sink.Edges[0].DstNode);
    }

    [Fact]
    public void An_alert_is_an_open_edge_for_its_five_tuple_and_its_rule_goes_to_the_side_channel()
    {
        Assert.Equal(EveLineOutcome.Alert, Map(EveLines.SshScanAlertV4));

        GraphEdge edge = Assert.Single(_sink.Edges);
        // The nested flow object's addresses are not the alert's.
        Assert.Equal((NodeId("203.0.113.9"), NodeId("10.0.0.5"), (ushort)44321, (ushort)22, EdgeKind.Open, 0u),
            (edge.SrcNode, edge.DstNode, edge.SrcPort, edge.DstPort, edge.Kind, edge.Packets));
        EveAlert alert = Assert.Single(_alerts);
        Assert.Equal(new EveAlert(EveLines.UnixNs("2024-01-15T10:32:11.000456+00:00"), edge.SrcNode, edge.DstNode, edge.EdgeHash,
            44321, 22, 6, 1, 2001219, 20, "ET SCAN Potential SSH Scan", "Attempted Information Leak", 2), alert);
        EveSignatureStats signature = Assert.Single(_mapper.GetStats().Signatures);
        Assert.Equal((2001219u, "ET SCAN Potential SSH Scan", 1L), (signature.SignatureId, signature.Signature, signature.Count));
    }

    [Fact]
    public void Repeated_alerts_of_one_rule_are_counted_under_it()
    {
        Map(EveLines.SshScanAlertV4);
        Map(EveLines.SshScanAlertV4);
        Map(EveLines.SshScanAlertV4.Replace("\"signature_id\":2001219", "\"signature_id\":2210000"));

        IReadOnlyList<EveSignatureStats> signatures = _mapper.GetStats().Signatures;
        Assert.Equal([(2001219u, 2L), (2210000u, 1L)], signatures.Select(s => (s.SignatureId, s.Count)));
    }

    [Fact]
    public void Alerts_beyond_the_signature_table_bound_are_still_mapped_and_counted_as_untracked()
    {
        var mapper = new EveEventMapper(new EveMapperOptions { MaxTrackedSignatures = 1 });
        mapper.Map(Encoding.UTF8.GetBytes(EveLines.SshScanAlertV4), _sink);
        mapper.Map(Encoding.UTF8.GetBytes(EveLines.SshScanAlertV4.Replace("2001219", "2210000")), _sink);

        EveMapperStats stats = mapper.GetStats();
        Assert.Equal((1, 1L, 2L), (stats.Signatures.Count, stats.UntrackedSignatureAlerts, stats.EdgesEmitted));
    }

    [Fact]
    public void A_dns_query_is_an_open_edge_from_client_to_resolver_and_its_answer_adds_nothing()
    {
        Assert.Equal(EveLineOutcome.DnsQuery, Map(EveLines.DnsQueryV4));
        Assert.Equal(EveLineOutcome.DnsAnswer, Map(EveLines.DnsAnswerV4));

        GraphEdge edge = Assert.Single(_sink.Edges);
        Assert.Equal((NodeId("10.0.0.5"), NodeId("10.0.0.1"), (ushort)53, (byte)17, EdgeKind.Open),
            (edge.SrcNode, edge.DstNode, edge.DstPort, edge.Protocol, edge.Kind));
        Assert.Equal(Fnv1a64.EdgeHash(NodeId("10.0.0.1"), 53, 17), edge.EdgeHash);
    }

    [Fact]
    public void A_dns_v3_request_over_tcp_keeps_its_protocol()
    {
        Assert.Equal(EveLineOutcome.DnsQuery, Map(EveLines.DnsRequestV6OverTcp));

        GraphEdge edge = Assert.Single(_sink.Edges);
        Assert.Equal((6, 53, NodeId("fe80::53")), (edge.Protocol, edge.DstPort, edge.DstNode));
    }

    [Fact]
    public void A_dns_query_without_proto_or_port_goes_to_udp_on_the_dns_port()
    {
        string line = """{"timestamp":"2024-01-15T10:33:00.500000+0000","event_type":"dns","src_ip":"10.0.0.5","dest_ip":"10.0.0.1","dns":{"type":"query","rrname":"a.example"}}""";

        Assert.Equal(EveLineOutcome.DnsQuery, Map(line));

        GraphEdge edge = Assert.Single(_sink.Edges);
        Assert.Equal((17, 53, 0), (edge.Protocol, edge.DstPort, edge.SrcPort));
    }

    [Fact]
    public void Other_event_types_are_counted_by_name_and_emit_nothing()
    {
        Assert.Equal(EveLineOutcome.IgnoredEventType, Map(EveLines.Stats));
        Map(EveLines.Http);
        Map(EveLines.Http);

        Assert.Empty(_sink.Edges);
        Assert.Empty(_sink.Addresses);
        Assert.Equal(new Dictionary<string, long> { ["stats"] = 1, ["http"] = 2 }, _mapper.GetStats().IgnoredEventTypes);
    }

    [Fact]
    public void Ignored_event_types_beyond_the_bound_share_one_counter()
    {
        var mapper = new EveEventMapper(new EveMapperOptions { MaxIgnoredEventTypes = 1 });
        foreach (string type in new[] { "stats", "http", "tls" })
        {
            mapper.Map(Encoding.UTF8.GetBytes($$"""{"event_type":"{{type}}"}"""), _sink);
        }

        Assert.Equal(new Dictionary<string, long> { ["stats"] = 1, [EveMapperOptions.OtherEventTypes] = 2 },
            mapper.GetStats().IgnoredEventTypes);
    }

    [Fact]
    public void Totals_beyond_32_bits_saturate_and_the_saturation_is_counted()
    {
        string line = EveLines.Flow("10.1.1.1", 1000, "10.2.2.2", 80, "TCP", packets: 5_000_000_000, bytes: 9_000_000_000_000, second: 30);

        Map(line);

        GraphEdge close = _sink.Edges[1];
        Assert.Equal((uint.MaxValue, uint.MaxValue, 30_000u), (close.Packets, close.Bytes, close.DurationMs));
        Assert.Equal(2, _mapper.GetStats().CounterSaturations);
    }

    [Theory]
    [InlineData("\"GRE\"", 47)]
    [InlineData("\"047\"", 47)]
    [InlineData("47", 47)]
    [InlineData("\"IPv6-ICMP\"", 58)]
    [InlineData("\"udp\"", 17)]
    [InlineData("\"SCTP\"", 132)]
    public void Protocols_are_accepted_by_name_padded_number_or_json_number(string proto, byte expected)
    {
        string line = EveLines.TcpFlowV4.Replace("\"proto\":\"TCP\"", $"\"proto\":{proto}");

        Assert.Equal(EveLineOutcome.Flow, Map(line));
        Assert.Equal(expected, _sink.Edges[1].Protocol);
    }

    [Fact]
    public void Field_order_and_json_escapes_do_not_change_the_mapping()
    {
        string reordered = """{"flow":{"end":"2024-01-15T10:30:05.654321+0000","bytes_toclient":9876,"start":"2024-01-15T10:30:00.123456+0000","bytes_toserver":1820,"pkts_toclient":10,"pkts_toserver":12},"tcp":{"tcp_flags":"1b"},"proto":"\u0054CP","dest_port":443,"dest_ip":"93.184.216.34","src_port":51234,"src_ip":"10.0.0.\u0035","timestamp":"2024-01-15T10:30:05.654321+0000","event_\u0074ype":"flow"}""";
        var expected = new RecordingEdgeSink();
        new EveEventMapper(new EveMapperOptions { SensorId = 7 }).Map(Encoding.UTF8.GetBytes(EveLines.TcpFlowV4), expected);

        Assert.Equal(EveLineOutcome.Flow, Map(reordered));

        Assert.Equal(expected.Edges, _sink.Edges);
    }

    [Fact]
    public void Mapping_a_line_allocates_nothing_once_warm()
    {
        byte[][] lines = [.. new[] { EveLines.TcpFlowV4, EveLines.UdpFlowV6, EveLines.DnsQueryV4, EveLines.DnsAnswerV4, EveLines.Stats }
            .Select(Encoding.UTF8.GetBytes)];
        var counter = new EdgeCounter();
        var sink = new CountingSink(counter);
        foreach (byte[] line in lines)
        {
            _mapper.Map(line, sink);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            foreach (byte[] line in lines)
            {
                _mapper.Map(line, sink);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(5 * 1_001, counter.Edges);
    }

    private EveLineOutcome Map(string line) => _mapper.Map(Encoding.UTF8.GetBytes(line), _sink);

    private static ulong NodeId(string address) => NodeAddress.FromIPAddress(IPAddress.Parse(address)).NodeId;

    private sealed class EdgeCounter
    {
        public long Edges;
    }

    /// <summary>A struct sink, as the capture paths use, so the mapper's generic call is specialised and nothing boxes.</summary>
    private readonly struct CountingSink(EdgeCounter counter) : IEdgeSink
    {
        public void OnEdge(in GraphEdge edge) => counter.Edges++;

        public void OnNodeAddress(in NodeAddress address)
        {
        }

        public void OnFlowEnded(in FlowSummary flow)
        {
        }
    }
}
