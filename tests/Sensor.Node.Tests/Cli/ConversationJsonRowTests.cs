using System.Net;
using System.Text.Json;
using NerfEngine.Sensor.Cli;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Tests.SensorNode.Cli;

public sealed class ConversationJsonRowTests
{
    public static TheoryData<Conversation> Rows() => new()
    {
        new Conversation(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("192.0.2.255"), 40000, 443, 6, 4, 0, 0, false,
            new FlowDirectionTotals(12, 3400, 3568, TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Fin),
            new FlowDirectionTotals(10, 9000, 9140, TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin),
            1_700_000_000_123_456_789, 1_700_000_001_000_000_000, 1),
        new Conversation(IPAddress.Parse("fe80::1%3"), IPAddress.Parse("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), 0, 0, 17, 6, 4094, 4095, true,
            new FlowDirectionTotals(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, (TcpFlags)0x1FF),
            new FlowDirectionTotals(0, 0, 0, TcpFlags.None),
            0, long.MaxValue, int.MaxValue),
        new Conversation(IPAddress.Parse("0.0.0.0"), IPAddress.Parse("255.255.255.255"), 65535, 1, 1, 4, 1, 2, false,
            new FlowDirectionTotals(1, 28, 60, TcpFlags.None), new FlowDirectionTotals(0, 0, 0, TcpFlags.None),
            -1_500_000_000, -1, 2),
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void A_row_is_one_json_object_with_every_field_of_the_conversation(Conversation c)
    {
        Span<byte> buffer = stackalloc byte[ConversationJsonRow.MaxLength];
        int length = ConversationJsonRow.Write(c, buffer);

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
}
