using System.Text;
using NerfEngine.Control.LiveIngest;
using NerfEngine.Control.LiveIngest.Streams;
using NerfEngine.Sensor.Capture.EveJson;
using NerfEngine.Sensor.Flows;
using NerfEngine.Shared.Messages.Records;
using NerfEngine.Tests.ControlNode.LiveIngest.Support;

namespace NerfEngine.Tests.ControlNode.LiveIngest;

/// <summary>LiveEvent → edges agrees with the sensor's eve.json mapper, and everything else lands in a reason.</summary>
public sealed class LiveEventMapperTests
{
    private const string FlowLine =
        """{"timestamp":"2024-01-15T10:30:05.250000+0000","flow_id":1234567,"event_type":"flow","src_ip":"10.0.0.5","src_port":51234,"dest_ip":"93.184.216.34","dest_port":443,"proto":"TCP","flow":{"pkts_toserver":12,"pkts_toclient":10,"bytes_toserver":1500,"bytes_toclient":9000,"start":"2024-01-15T10:30:00.000000+0000","end":"2024-01-15T10:30:05.000000+0000"},"tcp":{"tcp_flags":"1b"}}""";

    private const string AlertLine =
        """{"timestamp":"2024-01-15T10:30:01.000000+0000","event_type":"alert","src_ip":"2001:db8::1","src_port":4444,"dest_ip":"2001:db8::2","dest_port":22,"proto":"TCP","alert":{"signature_id":2001,"signature":"ET SCAN","severity":2}}""";

    private sealed class Collect : IEdgeSink
    {
        public List<GraphEdge> Edges { get; } = [];

        public void OnEdge(in GraphEdge edge) => Edges.Add(edge);

        public void OnNodeAddress(in NodeAddress address)
        {
        }

        public void OnFlowEnded(in FlowSummary flow)
        {
        }
    }

    [Theory]
    [InlineData(FlowLine)]
    [InlineData(AlertLine)]
    public void An_eve_event_maps_to_the_same_edges_as_the_sensors_eve_json_mapper(string line)
    {
        var sensor = new Collect();
        new EveEventMapper(new EveMapperOptions { SensorId = 7 }).Map(Encoding.UTF8.GetBytes(line), sensor);
        Assert.NotEmpty(sensor.Edges);

        Assert.True(new EveLiveEventParser("ws:test", 256).TryParse(Encoding.UTF8.GetBytes(line), out var liveEvent, out _));
        Assert.True(new LiveEventMapper(7).TryMap(liveEvent!, out var mapped, out var reason), reason.ToString());
        Assert.Equal(sensor.Edges, mapped!.Edges);
        Assert.Equal(mapped.Edges[0].SrcNode, mapped.Source.NodeId);
        Assert.Equal(mapped.Edges[0].DstNode, mapped.Destination.NodeId);
    }

    [Fact]
    public void A_flow_carries_its_totals_on_the_close_edge()
    {
        new EveLiveEventParser("ws:test", 256).TryParse(Encoding.UTF8.GetBytes(FlowLine), out var liveEvent, out _);
        new LiveEventMapper(1).TryMap(liveEvent!, out var mapped, out _);
        Assert.Equal([EdgeKind.Open, EdgeKind.Close], mapped!.Edges.Select(e => e.Kind));
        var close = mapped.Edges[1];
        Assert.Equal(22u, close.Packets);
        Assert.Equal(10_500u, close.Bytes);
        Assert.Equal(5_000u, close.DurationMs);
        Assert.Equal(0x1b, close.TcpFlags);
    }

    [Fact]
    public void Any_event_type_with_a_five_tuple_is_one_open_edge_and_dns_queries_default_to_udp_53()
    {
        var mapper = new LiveEventMapper(1);
        Assert.True(mapper.TryMap(LiveEvents.Event("tls", "10.0.0.1", "10.0.0.2", 443), out var tls, out _));
        Assert.Equal(EdgeKind.Open, Assert.Single(tls!.Edges).Kind);
        Assert.Equal((ulong)(LiveEvents.EventTime - DateTimeOffset.UnixEpoch).Ticks * 100, tls.Edges[0].TimestampNs);

        Assert.True(mapper.TryMap(LiveEvents.Raw("dns", ("src_ip", "10.0.0.1"), ("dest_ip", "10.0.0.53"), ("dns.type", "query")), out var dns, out _));
        Assert.Equal(17, dns!.Edges[0].Protocol);
        Assert.Equal(53, dns.Edges[0].DstPort);

        Assert.True(mapper.TryMap(LiveEvents.Event("flow", "10.0.0.1", "10.0.0.2", 0, proto: "ICMP", srcPort: 8), out var icmp, out _));
        Assert.Equal(0, icmp!.Edges[0].SrcPort);
    }

    [Theory]
    [InlineData("flow", "src_ip", "", EveLineOutcome.MissingAddress)]
    [InlineData("flow", "dest_ip", "not-an-ip", EveLineOutcome.BadAddress)]
    [InlineData("flow", "dest_ip", "2001:db8::2", EveLineOutcome.AddressFamilyMismatch)]
    [InlineData("http", "proto", "", EveLineOutcome.MissingProtocol)]
    [InlineData("http", "proto", "SPX", EveLineOutcome.BadProtocol)]
    [InlineData("http", "dest_port", "70000", EveLineOutcome.BadPort)]
    [InlineData("flow", "flow.pkts_toserver", "-1", EveLineOutcome.BadCounter)]
    [InlineData("flow", "flow.end", "yesterday", EveLineOutcome.BadTimestamp)]
    public void Events_that_cannot_become_an_edge_name_their_reason(string type, string key, string value, EveLineOutcome expected)
    {
        var fields = new Dictionary<string, string>
        {
            ["src_ip"] = "10.0.0.1", ["dest_ip"] = "10.0.0.2", ["src_port"] = "1234", ["dest_port"] = "80", ["proto"] = "TCP",
            ["flow.pkts_toserver"] = "1",
        };
        if (value.Length == 0) fields.Remove(key);
        else fields[key] = value;
        var liveEvent = LiveEvents.Raw(type, fields.Select(f => (f.Key, f.Value)).ToArray());
        Assert.False(new LiveEventMapper(1).TryMap(liveEvent, out var mapped, out var reason));
        Assert.Null(mapped);
        Assert.Equal(expected, reason);
    }

    [Fact]
    public void The_parser_flattens_eve_fields_and_names_what_is_not_an_eve_event()
    {
        var parser = new EveLiveEventParser("ws:a", 256);
        Assert.True(parser.TryParse(Encoding.UTF8.GetBytes(FlowLine), out var e, out _));
        Assert.Equal("ws:a", e!.Source);
        Assert.Equal("1234567", e.EventId);
        Assert.Equal("flow", e.Type);
        Assert.Equal(new DateTimeOffset(2024, 1, 15, 10, 30, 5, 250, TimeSpan.Zero), e.Timestamp);
        Assert.Equal("12", e.Entity("flow.pkts_toserver"));
        Assert.Equal("1b", e.Entity("tcp.tcp_flags"));

        Assert.True(parser.TryParse(
            Encoding.UTF8.GetBytes("""{"event_type":"DNS","timestamp":"2024-01-15T10:30:00Z","dns":{"answers":[{"rdata":"1.1.1.1"},{"rdata":"2.2.2.2"}]}}"""), out var dns, out _));
        Assert.Equal("dns", dns!.Type);
        Assert.Equal(["1.1.1.1", "2.2.2.2"], dns.Entities.Where(p => p.Key == "dns.answers.rdata").Select(p => p.Value));

        EveLineOutcome Failure(string text)
        {
            Assert.False(parser.TryParse(Encoding.UTF8.GetBytes(text), out var none, out var failure));
            Assert.Null(none);
            return failure;
        }

        Assert.Equal(EveLineOutcome.MalformedJson, Failure("{\"event_type\":"));
        Assert.Equal(EveLineOutcome.NotAnObject, Failure("[1,2]"));
        Assert.Equal(EveLineOutcome.MissingEventType, Failure("""{"timestamp":"2024-01-15T10:30:00Z"}"""));
        Assert.Equal(EveLineOutcome.MissingTimestamp, Failure("""{"event_type":"flow"}"""));
        Assert.Equal(EveLineOutcome.BadTimestamp, Failure("""{"event_type":"flow","timestamp":"soon"}"""));
        var limited = new EveLiveEventParser("ws:a", 4);
        limited.TryParse(Encoding.UTF8.GetBytes(FlowLine), out var cut, out _);
        Assert.Equal(4, cut!.Entities.Count);
    }
}
