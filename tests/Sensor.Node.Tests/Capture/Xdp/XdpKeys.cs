using System.Net;
using NerfEngine.Sensor.Capture.Xdp;
using NerfEngine.Shared.Messages.Hashing;

namespace NerfEngine.Tests.SensorNode.Capture.Xdp;

/// <summary>Builds kernel flow keys as the program does (side A = lower address, then lower port), for lookups in tests.</summary>
internal static class XdpKeys
{
    public static XdpFlowKey For(string source, ushort sourcePort, string destination, ushort destinationPort, byte protocol,
        ushort outerVlan = 0, ushort innerVlan = 0)
    {
        byte[] s = IPAddress.Parse(source).GetAddressBytes();
        byte[] d = IPAddress.Parse(destination).GetAddressBytes();
        int order = ((ReadOnlySpan<byte>)s).SequenceCompareTo(d);
        bool senderIsA = order < 0 || (order == 0 && sourcePort <= destinationPort);
        var key = new XdpFlowKey
        {
            Protocol = protocol,
            IpVersion = s.Length == 16 ? (byte)6 : (byte)4,
            OuterVlan = outerVlan,
            InnerVlan = innerVlan,
            PortA = senderIsA ? sourcePort : destinationPort,
            PortB = senderIsA ? destinationPort : sourcePort,
        };
        (senderIsA ? s : d).CopyTo(key.AddrA);
        (senderIsA ? d : s).CopyTo(key.AddrB);
        return key;
    }

    /// <summary>The key of later fragments: no ports, keyed by fragment id.</summary>
    public static XdpFlowKey Fragment(string source, string destination, byte protocol, uint fragmentId)
    {
        XdpFlowKey key = For(source, 0, destination, 0, protocol);
        key.IsFragment = 1;
        key.FragmentId = fragmentId;
        return key;
    }

    public static ulong Node(string address) => Fnv1a64.NodeId(IPAddress.Parse(address).GetAddressBytes());
}
