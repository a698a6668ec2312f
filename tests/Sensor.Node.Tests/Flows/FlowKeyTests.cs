using System.Runtime.CompilerServices;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using static NerfEngine.Tests.SensorNode.Flows.FlowScenario;

namespace NerfEngine.Tests.SensorNode.Flows;

public sealed class FlowKeyTests
{
    [Theory]
    [InlineData("10.0.0.1", 1000, "10.0.0.2", 80)]
    [InlineData("192.168.7.200", 53, "10.1.1.1", 40000)]
    [InlineData("10.0.0.5", 9000, "10.0.0.5", 80)] // same host: the ports decide the order
    [InlineData("fd00::1:0:0:9", 443, "fd00::1", 50000)]
    [InlineData("2001:db8::ffff", 1, "2001:db8:0:0:1::", 2)]
    public void Both_directions_of_a_conversation_have_one_key_and_the_senders_are_opposite_sides(
        string source, int sourcePort, string destination, int destinationPort)
    {
        FlowKey forward = KeyOf(UdpFrame(source, (ushort)sourcePort, destination, (ushort)destinationPort), out bool forwardFromA);
        FlowKey reverse = KeyOf(UdpFrame(destination, (ushort)destinationPort, source, (ushort)sourcePort), out bool reverseFromA);

        Assert.Equal(forward, reverse);
        Assert.Equal(forward.GetHash(7), reverse.GetHash(7));
        Assert.NotEqual(forwardFromA, reverseFromA);
        Assert.True(forward.AddressA.SequenceCompareTo(forward.AddressB) < 0
            || (forward.AddressA.SequenceEqual(forward.AddressB) && forward.PortA <= forward.PortB));
    }

    [Fact]
    public void A_key_is_48_bytes_with_no_padding_so_it_hashes_as_six_words()
    {
        Assert.Equal(FlowKey.Size, Unsafe.SizeOf<FlowKey>());
    }

    public static TheoryData<string, byte[]> Frames() => new()
    {
        { "udp v4", UdpFrame("10.0.0.9", 5353, "10.0.0.1", 53) },
        { "tcp v4 in a vlan", TcpFrame("192.0.2.1", 40000, "192.0.2.200", 443, TcpFlags.Syn, vlan: 42) },
        { "udp v6", UdpFrame("2001:db8::ffff", 1, "2001:db8:0:0:1::", 2) },
        { "qinq", Support.Frames.Ethernet(0x0800, Support.Frames.Ipv4("10.1.1.1", "10.1.1.2", 17, Support.Frames.Udp(9, 10)), (0x88A8, 7), (0x8100, 300)) },
        { "first v4 fragment", Support.Frames.Ethernet(0x0800, Support.Frames.Ipv4("10.0.0.2", "10.0.0.1", 17, Support.Frames.Udp(1000, 2000, 64), moreFragments: true)) },
        { "later v4 fragment", Support.Frames.Ethernet(0x0800, Support.Frames.Ipv4("10.0.0.2", "10.0.0.1", 17, new byte[64], id: 0xBEEF, fragmentOffset: 64)) },
        { "later v6 fragment", Support.Frames.Ethernet(0x86DD, Support.Frames.Ipv6("fd00::2", "fd00::1", 44, Support.Frames.Ipv6Fragment(17, new byte[16], 8, false, 0xCAFEF00D))) },
    };

    [Theory]
    [MemberData(nameof(Frames))]
    public void Keying_in_one_pass_gives_the_field_by_field_key_and_its_hash(string kind, byte[] frame)
    {
        Assert.True(PacketParser.Parse(frame, out ParsedPacket packet).IsSuccess(), kind);
        foreach (bool vlanAware in new[] { true, false })
        {
            FlowKey.Create(in packet, vlanAware, seed: 99, out FlowKey key, out ulong hash, out bool senderIsA);
            bool fragmentKey = packet.IsFragment && packet.FragmentOffset != 0;

            Assert.Equal(hash, key.GetHash(99));
            Assert.Equal(packet.Protocol, key.Protocol);
            Assert.Equal(packet.IpVersion, key.IpVersion);
            Assert.Equal(fragmentKey, key.IsFragment);
            Assert.Equal(fragmentKey ? packet.FragmentId : 0u, key.FragmentId);
            Assert.Equal(vlanAware ? packet.OuterVlanId : (ushort)0, key.OuterVlanId);
            Assert.Equal(vlanAware ? packet.InnerVlanId : (ushort)0, key.InnerVlanId);
            Assert.True((senderIsA ? key.AddressA : key.AddressB).SequenceEqual(packet.SourceAddress), kind);
            Assert.True((senderIsA ? key.AddressB : key.AddressA).SequenceEqual(packet.DestinationAddress), kind);
            Assert.Equal(fragmentKey ? (ushort)0 : packet.SourcePort, senderIsA ? key.PortA : key.PortB);
            Assert.Equal(fragmentKey ? (ushort)0 : packet.DestinationPort, senderIsA ? key.PortB : key.PortA);
        }
    }

    private static FlowKey KeyOf(byte[] frame, out bool senderIsA)
    {
        Assert.True(PacketParser.Parse(frame, out ParsedPacket packet).IsSuccess());
        return FlowKey.FromPacket(in packet, vlanAware: true, out senderIsA);
    }
}
