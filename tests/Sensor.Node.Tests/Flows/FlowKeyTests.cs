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

    private static FlowKey KeyOf(byte[] frame, out bool senderIsA)
    {
        Assert.True(PacketParser.Parse(frame, out ParsedPacket packet).IsSuccess());
        return FlowKey.FromPacket(in packet, vlanAware: true, out senderIsA);
    }
}
