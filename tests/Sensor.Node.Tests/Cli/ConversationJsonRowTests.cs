using System.Text.Json;
using NerfEngine.Sensor.Cli;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Cli;

public sealed class ConversationJsonRowTests
{
    /// <summary>Rows as the ledger keeps them: keys of parsed frames (v4, v6 with and without zero runs, QinQ, a fragment).</summary>
    public static TheoryData<string> Rows() => ["v4", "v4 extremes", "v6", "v6 zero runs", "v4-mapped v6", "qinq fragment"];

    private static ConversationRow Row(string name) => name switch
    {
        "v4" => Row(Frames.Ethernet(EtherTypes.Ipv4, Frames.Ipv4("10.0.0.1", "192.0.2.255", IpProtocols.Tcp, Frames.Tcp(40000, 443, TcpFlags.Syn))),
            new FlowDirectionTotals(12, 3400, 3568, TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Fin),
            new FlowDirectionTotals(10, 9000, 9140, TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin),
            1_700_000_000_123_456_789, 1_700_000_001_000_000_000, 1),
        "v4 extremes" => Row(Frames.Ethernet(EtherTypes.Ipv4, Frames.Ipv4("255.255.255.255", "0.0.0.0", IpProtocols.Udp, Frames.Udp(65535, 1))),
            new FlowDirectionTotals(1, 28, 60, TcpFlags.None), new FlowDirectionTotals(0, 0, 0, TcpFlags.None), -1_500_000_000, -1, 2),
        "v6" => Row(Frames.Ethernet(EtherTypes.Ipv6, Frames.Ipv6("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "fe80::1", IpProtocols.Udp, Frames.Udp(53, 5353))),
            new FlowDirectionTotals(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, (TcpFlags)0x1FF),
            new FlowDirectionTotals(0, 0, 0, TcpFlags.None), 0, long.MaxValue, int.MaxValue),
        "v6 zero runs" => Row(Frames.Ethernet(EtherTypes.Ipv6, Frames.Ipv6("2001:db8:0:0:1:0:0:1", "::", IpProtocols.Udp, Frames.Udp(1, 2))),
            new FlowDirectionTotals(3, 300, 342, TcpFlags.None), new FlowDirectionTotals(4, 400, 456, TcpFlags.None), 5, 6, 1),
        "v4-mapped v6" => Row(Frames.Ethernet(EtherTypes.Ipv6, Frames.Ipv6("::ffff:192.0.2.1", "64:ff9b::c000:201", IpProtocols.Udp, Frames.Udp(7, 8))),
            new FlowDirectionTotals(1, 2, 3, TcpFlags.None), new FlowDirectionTotals(4, 5, 6, TcpFlags.None), 7, 8, 1),
        _ => Row(Frames.Ethernet(EtherTypes.Ipv4, Frames.Ipv4("10.0.0.2", "10.0.0.1", IpProtocols.Udp, new byte[64], id: 0xBEEF, fragmentOffset: 64), (0x88A8, 7), (0x8100, 300)),
            new FlowDirectionTotals(2, 168, 186, TcpFlags.None), new FlowDirectionTotals(0, 0, 0, TcpFlags.None), 9, 10, 2),
    };

    private static ConversationRow Row(byte[] frame, FlowDirectionTotals forward, FlowDirectionTotals reverse, long firstSeenNs, long lastSeenNs, int flows)
    {
        Assert.True(PacketParser.Parse(frame, out ParsedPacket packet).IsSuccess());
        FlowKey key = FlowKey.FromPacket(in packet, vlanAware: true, out bool senderIsA);
        return new ConversationRow(key, hash: 0, originatorIsA: senderIsA, firstSeenNs)
        {
            FromA = senderIsA ? forward : reverse,
            FromB = senderIsA ? reverse : forward,
            LastSeenNs = lastSeenNs,
            FlowCount = flows,
        };
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void A_row_is_one_json_object_with_every_field_of_the_conversation(string name)
    {
        ConversationRow source = Row(name);
        Conversation c = source.ToConversation();
        Span<byte> buffer = stackalloc byte[ConversationJsonRow.MaxLength];
        int length = new ConversationJsonRow().Write(in source, buffer);

        using JsonDocument row = JsonDocument.Parse(buffer[..length].ToArray());
        JsonElement r = row.RootElement;
        Assert.Equal(c.Source.ToString(), r.GetProperty("src").GetString());
        Assert.Equal(c.Destination.ToString(), r.GetProperty("dst").GetString());
        Assert.Equal(c.SourcePort, r.GetProperty("src_port").GetUInt16());
        Assert.Equal(c.DestinationPort, r.GetProperty("dst_port").GetUInt16());
        Assert.Equal(c.Protocol, r.GetProperty("protocol").GetByte());
        Assert.Equal(c.IpVersion, r.GetProperty("ip_version").GetByte());
        Assert.Equal(c.OuterVlanId, r.GetProperty("vlan").GetUInt16());
        Assert.Equal(c.InnerVlanId, r.GetProperty("inner_vlan").GetUInt16());
        Assert.Equal(c.IsFragments, r.GetProperty("fragments").GetBoolean());
        Assert.Equal(c.Forward.Packets, r.GetProperty("packets_src_to_dst").GetUInt64());
        Assert.Equal(c.Forward.FrameBytes, r.GetProperty("frame_bytes_src_to_dst").GetUInt64());
        Assert.Equal(c.Forward.IpBytes, r.GetProperty("ip_bytes_src_to_dst").GetUInt64());
        Assert.Equal(c.Reverse.Packets, r.GetProperty("packets_dst_to_src").GetUInt64());
        Assert.Equal(c.Reverse.FrameBytes, r.GetProperty("frame_bytes_dst_to_src").GetUInt64());
        Assert.Equal(c.Reverse.IpBytes, r.GetProperty("ip_bytes_dst_to_src").GetUInt64());
        Assert.Equal(c.Forward.TcpFlags.ToString(), r.GetProperty("tcp_flags_src_to_dst").GetString());
        Assert.Equal(c.Reverse.TcpFlags.ToString(), r.GetProperty("tcp_flags_dst_to_src").GetString());
        Assert.Equal(ReplayJsonWriter.FormatTime(c.FirstSeenNs), r.GetProperty("first_seen").GetString());
        Assert.Equal(ReplayJsonWriter.FormatTime(c.LastSeenNs), r.GetProperty("last_seen").GetString());
        Assert.Equal(c.FlowCount, r.GetProperty("flows").GetInt32());
        Assert.Equal(20, r.EnumerateObject().Count());
    }

    [Fact]
    public void Times_after_1970_are_written_digit_by_digit_as_the_formatter_writes_them()
    {
        Span<byte> text = stackalloc byte[ConversationJsonRow.TimeLength];
        foreach (long ns in new[] { 0L, 1L, 999_999_999L, 1_700_000_000_123_456_789L, 4_102_444_800_000_000_000L, long.MaxValue })
        {
            Assert.True(ConversationJsonRow.TryWriteTime(ns, text));
            Assert.Equal(ReplayJsonWriter.FormatTime(ns), System.Text.Encoding.UTF8.GetString(text));
        }

        Assert.False(ConversationJsonRow.TryWriteTime(-1, text));
    }

    [Fact]
    public void Rows_of_one_table_write_each_time_whole_whether_its_second_is_the_one_before_or_not()
    {
        var rows = new ConversationJsonRow();
        Span<byte> buffer = stackalloc byte[ConversationJsonRow.MaxLength];
        long[] times = [1_700_000_000_000_000_001, 1_700_000_000_999_999_999, 1_700_000_001_000_000_000, 17_000_000_005, -7, 1_700_000_001_000_000_000, 0];
        ConversationRow source = Row("v4");
        for (int i = 0; i + 1 < times.Length; i++)
        {
            source.FirstSeenNs = times[i];
            source.LastSeenNs = times[i + 1];
            int length = rows.Write(in source, buffer);

            using JsonDocument row = JsonDocument.Parse(buffer[..length].ToArray());
            Assert.Equal(ReplayJsonWriter.FormatTime(times[i]), row.RootElement.GetProperty("first_seen").GetString());
            Assert.Equal(ReplayJsonWriter.FormatTime(times[i + 1]), row.RootElement.GetProperty("last_seen").GetString());
        }
    }

    [Theory]
    [InlineData(-1L, "1969-12-31T23:59:59.999999999Z")]
    [InlineData(-7L, "1969-12-31T23:59:59.999999993Z")]
    [InlineData(-1_000_000_000L, "1969-12-31T23:59:59.000000000Z")]
    [InlineData(-1_500_000_000L, "1969-12-31T23:59:58.500000000Z")]
    [InlineData(long.MinValue, "1677-09-21T00:12:43.145224192Z")]
    public void A_time_before_1970_is_the_second_before_it_and_a_positive_fraction(long unixNs, string expected)
    {
        Assert.Equal(expected, ReplayJsonWriter.FormatTime(unixNs));

        ConversationRow source = Row("v4");
        source.FirstSeenNs = unixNs;
        Span<byte> buffer = stackalloc byte[ConversationJsonRow.MaxLength];
        int length = new ConversationJsonRow().Write(in source, buffer);
        using JsonDocument row = JsonDocument.Parse(buffer[..length].ToArray());
        Assert.Equal(expected, row.RootElement.GetProperty("first_seen").GetString());
    }
}
