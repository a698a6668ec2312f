using System.Net;
using NerfEngine.Shared.Messages.Codecs;
using NerfEngine.Shared.Messages.Hashing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Tests.SharedMessages.Records;

public sealed class NodeAddressTests
{
    [Fact]
    public void IPv4_address_fills_the_first_four_bytes_and_is_named_by_its_node_id()
    {
        NodeAddress record = NodeAddress.FromIPAddress(IPAddress.Parse("10.0.0.1"));

        Assert.Equal(4, record.IpVersion);
        Assert.Equal(Fnv1a64.NodeId([10, 0, 0, 1]), record.NodeId);
        Assert.Equal([10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], ((ReadOnlySpan<byte>)record.Address).ToArray());
        Assert.Equal(IPAddress.Parse("10.0.0.1"), record.ToIPAddress());
    }

    [Fact]
    public void IPv6_address_round_trips_through_the_record_and_its_wire_bytes()
    {
        NodeAddress record = NodeAddress.FromIPAddress(IPAddress.Parse("2001:db8::1"));
        NodeAddress back = NodeAddressCodec.ToArray(NodeAddressCodec.ToBytes([record])).Single();

        Assert.Equal(6, back.IpVersion);
        Assert.Equal(Fnv1a64.NodeId(IPAddress.Parse("2001:db8::1").GetAddressBytes()), back.NodeId);
        Assert.Equal(IPAddress.Parse("2001:db8::1"), back.ToIPAddress());
        Assert.Equal(record, back);
    }

    [Fact]
    public void IPv4_mapped_IPv6_stays_IPv6_so_the_node_id_matches_what_the_sensor_hashed()
    {
        IPAddress mapped = IPAddress.Parse("::ffff:10.0.0.1");
        NodeAddress record = NodeAddress.FromIPAddress(mapped);

        Assert.Equal(6, record.IpVersion);
        Assert.NotEqual(NodeAddress.FromIPAddress(IPAddress.Parse("10.0.0.1")).NodeId, record.NodeId);
        Assert.Equal(mapped, record.ToIPAddress());
    }

    [Fact]
    public void Raw_wire_bytes_give_the_same_record_as_the_parsed_address()
    {
        Assert.Equal(
            NodeAddress.FromIPAddress(IPAddress.Parse("192.0.2.7")),
            NodeAddress.FromAddressBytes([192, 0, 2, 7]));
        Assert.Throws<ArgumentException>(() => NodeAddress.FromAddressBytes(new byte[6]));
    }

    [Fact]
    public void A_record_with_an_unknown_ip_version_is_a_format_error_but_still_prints()
    {
        var broken = new NodeAddress { NodeId = 0xabc, IpVersion = 5 };

        Assert.Throws<RecordFormatException>(() => broken.ToIPAddress());
        Assert.Equal("node:0x0000000000000abc (ip_version 5)", broken.ToString());
        NodeAddress named = NodeAddress.FromIPAddress(IPAddress.Parse("10.0.0.1"));
        Assert.Equal($"node:0x{named.NodeId:x16} 10.0.0.1", named.ToString());
    }

    [Fact]
    public void Records_are_equal_only_when_every_byte_is_equal()
    {
        NodeAddress a = NodeAddress.FromIPAddress(IPAddress.Parse("10.0.0.1"));
        NodeAddress b = a;
        b.Reserved[6] = 1;

        Assert.True(a == NodeAddress.FromIPAddress(IPAddress.Parse("10.0.0.1")));
        Assert.True(a != b);
        Assert.False(a.Equals((object)b));
    }
}
