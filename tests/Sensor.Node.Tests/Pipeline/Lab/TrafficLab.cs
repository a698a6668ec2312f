using System.Net;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Pipeline.Lab;

/// <summary>
/// Real traffic between the two namespaces of a <see cref="NetworkNamespacePair"/>, recorded with
/// tcpdump: TCP and UDP over IPv4 and IPv6, UDP datagrams and ICMP/ICMPv6 echoes large enough to be
/// fragmented, one bulk transfer, plus whatever ARP, neighbour discovery and MLD the kernels add.
/// Each kind of traffic uses its own address pair, so most conversations stay small enough for
/// tshark to print their byte counts exactly.
/// </summary>
/// <remarks>
/// This kernel has no 802.1Q driver (no VLAN sub-interfaces), so tagged traffic is made from the real
/// capture: tcprewrite adds an 802.1Q tag (and an 802.1ad outer tag for QinQ), tcpreplay sends the
/// copies through a second veth pair, and tcpdump records them again, so the kernel and libpcap
/// handle the tags (out-of-band and back) as on a trunk port.
/// </remarks>
internal static class TrafficLab
{
    /// <summary>Extra addresses per side: .11/.12 UDP, .13/.14 fragmented UDP, .15/.16 fragmented ICMP, .17/.18 bulk TCP.</summary>
    private static readonly int[] ExtraHosts = [11, 13, 15, 17];

    public static IPAddress V4(int host) => IPAddress.Parse($"10.200.1.{host}");

    public static IPAddress V6(int host) => IPAddress.Parse($"fd00::{host}");

    /// <summary>Adds the extra addresses and caps GSO at one segment, so frames are MTU-sized as on a real NIC.</summary>
    public static void Configure(NetworkNamespacePair lab)
    {
        foreach ((string ns, string device, int offset) in new[] { (lab.NamespaceA, lab.InterfaceA, 0), (lab.NamespaceB, lab.InterfaceB, 1) })
        {
            ExternalTool.Run("ip", "-n", ns, "link", "set", "dev", device, "gso_max_segs", "1");
            foreach (int host in ExtraHosts)
            {
                ExternalTool.Run("ip", "-n", ns, "addr", "add", $"10.200.1.{host + offset}/24", "dev", device);
                if (host != 17)
                {
                    ExternalTool.Run("ip", "-n", ns, "addr", "add", $"fd00::{host + offset}/64", "dev", device, "nodad");
                }
            }
        }
    }

    /// <summary>Records the traffic on A's veth into <paramref name="path"/>; returns the packets tcpdump wrote.</summary>
    public static async Task<int> RecordAsync(NetworkNamespacePair lab, string path)
    {
        Configure(lab);
        TcpdumpRecorder recorder = await TcpdumpRecorder.StartAsync(lab, lab.NamespaceA, lab.InterfaceA, path);
        string a = lab.NamespaceA;
        string b = lab.NamespaceB;
        await LabTraffic.TcpExchangeAsync(a, V4(1), b, V4(2), 5001, rounds: 4, requestBytes: 300, responseBytes: 500);
        await LabTraffic.TcpExchangeAsync(a, V6(1), b, V6(2), 5002, rounds: 3, requestBytes: 200, responseBytes: 400);
        await LabTraffic.UdpExchangeAsync(a, V4(11), b, V4(12), 5003, rounds: 3, requestBytes: 200, responseBytes: 300);
        await LabTraffic.UdpExchangeAsync(a, V6(11), b, V6(12), 5004, rounds: 3, requestBytes: 100, responseBytes: 100);
        await LabTraffic.UdpExchangeAsync(a, V4(13), b, V4(14), 5005, rounds: 2, requestBytes: 4000, responseBytes: 100);
        await LabTraffic.UdpExchangeAsync(a, V6(13), b, V6(14), 5006, rounds: 2, requestBytes: 4000, responseBytes: 100);
        await LabTraffic.PingAsync(a, V4(15), V4(16), count: 2, payloadBytes: 3000);
        await LabTraffic.PingAsync(a, V6(15), V6(16), count: 2, payloadBytes: 3000);
        await LabTraffic.PingAsync(a, V4(1), V4(2), count: 2, payloadBytes: 56);
        await LabTraffic.TcpExchangeAsync(a, V4(17), b, V4(18), 5007, rounds: 1, requestBytes: 40_000, responseBytes: 0);
        return await recorder.StopAsync();
    }

    /// <summary>
    /// Sends the untagged capture, an 802.1Q (VLAN 10) copy and a QinQ (802.1ad 20 over 802.1Q 10) copy
    /// through a second veth pair and records them on the far end into <paramref name="mixedPath"/>.
    /// </summary>
    public static async Task<int> RecordVlanCopiesAsync(NetworkNamespacePair lab, string directPath, string mixedPath)
    {
        string directory = Path.GetDirectoryName(mixedPath)!;
        string vlan = Path.Combine(directory, "vlan10.pcap");
        string qinq = Path.Combine(directory, "qinq20-10.pcap");
        ExternalTool.Run("tcprewrite", "--enet-vlan=add", "--enet-vlan-tag=10", "--enet-vlan-cfi=0", "--enet-vlan-pri=0", "-i", directPath, "-o", vlan);
        ExternalTool.Run("tcprewrite", "--enet-vlan=add", "--enet-vlan-tag=20", "--enet-vlan-cfi=0", "--enet-vlan-pri=0",
            "--enet-vlan-proto=802.1ad", "-i", vlan, "-o", qinq);

        string suffix = lab.NamespaceA[^8..];
        string sendSide = $"nia{suffix}";
        string recordSide = $"nib{suffix}";
        // MTU 9000: tagged copies of full-size frames are 4 or 8 bytes longer than 1514.
        ExternalTool.Run("ip", "link", "add", sendSide, "netns", lab.NamespaceA, "mtu", "9000", "type", "veth",
            "peer", "name", recordSide, "netns", lab.NamespaceB, "mtu", "9000");
        foreach ((string ns, string device) in new[] { (lab.NamespaceA, sendSide), (lab.NamespaceB, recordSide) })
        {
            // No link-local address and no ARP: the far kernel neither answers the replayed ARP requests
            // nor adds neighbour discovery or MLD of its own, so the recording holds exactly the copies.
            ExternalTool.Run("ip", "-n", ns, "link", "set", "dev", device, "addrgenmode", "none", "arp", "off");
            ExternalTool.Run("ip", "-n", ns, "link", "set", "dev", device, "up");
        }

        TcpdumpRecorder recorder = await TcpdumpRecorder.StartAsync(lab, lab.NamespaceB, recordSide, mixedPath);
        lab.Exec(lab.NamespaceA, "tcpreplay", "-q", "-i", sendSide, "--pps=2000", directPath, vlan, qinq);
        return await recorder.StopAsync();
    }
}
