using System.Net;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Shared.Messages.Hashing;
using NerfEngine.Shared.Messages.Records;
using static NerfEngine.Tests.SensorNode.Support.Frames;

namespace NerfEngine.Tests.SensorNode.Flows;

/// <summary>
/// A tracker fed with real frames (built by <see cref="Support.Frames"/>, parsed by the real parser) at
/// millisecond offsets from a fixed epoch, recording everything it emits.
/// </summary>
public sealed class FlowScenario
{
    /// <summary>2023-11-14T22:13:20Z: a realistic capture time.</summary>
    public const long Epoch = 1_700_000_000_000_000_000;

    private RecordingEdgeSink _sink;

    public FlowScenario(FlowTrackerOptions? options = null, ulong hashSeed = 42)
    {
        Output = new RecordedOutput();
        _sink = new RecordingEdgeSink(Output);
        Tracker = new FlowTracker(options ?? new FlowTrackerOptions(), hashSeed);
    }

    public FlowTracker Tracker { get; }

    public RecordedOutput Output { get; }

    public static long At(double milliseconds) => Epoch + (long)(milliseconds * 1_000_000);

    /// <summary>Parses <paramref name="frame"/> and hands it to the tracker at <paramref name="milliseconds"/>.</summary>
    public FlowScenario Send(byte[] frame, double milliseconds)
    {
        ParseOutcome outcome = PacketParser.Parse(frame, out ParsedPacket packet);
        Assert.True(outcome is ParseOutcome.Ipv4 or ParseOutcome.Ipv6, $"test frame did not parse as IP: {outcome}");
        Tracker.Observe(in packet, At(milliseconds), ref _sink);
        return this;
    }

    public FlowScenario Advance(double milliseconds)
    {
        Tracker.Advance(At(milliseconds), ref _sink);
        return this;
    }

    public FlowScenario Flush()
    {
        Tracker.Flush(ref _sink);
        return this;
    }

    public static byte[] TcpFrame(string source, ushort sourcePort, string destination, ushort destinationPort, TcpFlags flags, int payload = 0, ushort vlan = 0) =>
        Wrap(source, destination, IpProtocols.Tcp, Tcp(sourcePort, destinationPort, flags, payloadBytes: payload), vlan);

    public static byte[] UdpFrame(string source, ushort sourcePort, string destination, ushort destinationPort, int payload = 0, ushort vlan = 0) =>
        Wrap(source, destination, IpProtocols.Udp, Udp(sourcePort, destinationPort, payload), vlan);

    public static ulong Node(string address) => Fnv1a64.NodeId(IPAddress.Parse(address).GetAddressBytes());

    public static ulong EdgeHash(string destination, ushort port, byte protocol) => Fnv1a64.EdgeHash(Node(destination), port, protocol);

    private static byte[] Wrap(string source, string destination, byte protocol, byte[] transport, ushort vlan)
    {
        bool v6 = source.Contains(':', StringComparison.Ordinal);
        byte[] ip = v6 ? Ipv6(source, destination, protocol, transport) : Ipv4(source, destination, protocol, transport);
        ushort etherType = v6 ? EtherTypes.Ipv6 : EtherTypes.Ipv4;
        return vlan == 0 ? Ethernet(etherType, ip) : Ethernet(etherType, ip, (EtherTypes.Vlan, vlan));
    }
}
