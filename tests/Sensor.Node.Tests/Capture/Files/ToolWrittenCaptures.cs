using System.Diagnostics;
using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Tests.SensorNode.Support;
using static NerfEngine.Tests.SensorNode.Support.Frames;

namespace NerfEngine.Tests.SensorNode.Capture.Files;

/// <summary>
/// Capture files written by tools no one here wrote: one traffic run between two network namespaces,
/// recorded at once by three tcpdumps (microsecond, nanosecond, snap length 96) and a two-interface
/// dumpcap, then converted by editcap. Shared by the tests of one class so the run happens once.
/// </summary>
/// <remarks>
/// Traffic: IPv4 and IPv6 pings, 3000-byte pings (fragments in both families), a TCP exchange, a UDP
/// datagram to a closed port (ICMP port unreachable), loopback pings for the second interface, and
/// VLAN-tagged frames. This kernel has no 802.1Q support (CONFIG_VLAN_8021Q unset, no act_vlan), so
/// a VLAN sub-interface cannot exist; tagged frames (802.1Q and QinQ) are injected with tcpreplay
/// instead, from a pcap our <see cref="PcapWriter"/> wrote — tcpreplay reading that file is a check
/// of the writer too.
/// </remarks>
public sealed class ToolWrittenCaptures : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nerf-captures-").FullName;

    public ToolWrittenCaptures()
    {
        ExternalTool.Require("ip", "tcpdump", "tshark", "dumpcap", "editcap", "tcpreplay", "ping", "python3", "bash");
        string taggedFrames = Path.Combine(_directory, "tagged.pcap");
        WriteTaggedFrames(taggedFrames);

        using (var pair = new NetworkNamespacePair())
        {
            string a = pair.NamespaceA;
            string device = pair.InterfaceA;
            Process[] captures =
            [
                pair.StartInside(a, "tcpdump", "-Z", "root", "--immediate-mode", "-i", device, "-U", "-w", MicroPcap),
                pair.StartInside(a, "tcpdump", "-Z", "root", "--immediate-mode", "-i", device, "-U", "--time-stamp-precision=nano", "-w", NanoPcap),
                pair.StartInside(a, "tcpdump", "-Z", "root", "--immediate-mode", "-i", device, "-U", "-s", "96", "-w", SnapPcap),
                pair.StartInside(a, "dumpcap", "-q", "-i", device, "-i", "lo", "-w", MultiInterfacePcapng),
            ];
            foreach (Process capture in captures)
            {
                WaitForLine(capture.StandardError, line => line.Contains("listening on") || line.Contains("Capturing on"), "capture start");
            }

            GenerateTraffic(pair, taggedFrames);
            // tcpdump runs in immediate mode; dumpcap has none and delivers on its read timeout, so the
            // last packets need a moment before SIGINT, which drops whatever the ring still holds.
            Thread.Sleep(1500);
            foreach (Process capture in captures)
            {
                NetworkNamespacePair.Interrupt(capture);
            }
        }

        ExternalTool.Run("editcap", "-F", "pcapng", MicroPcap, MicroPcapng);
        ExternalTool.Run("editcap", "-F", "pcapng", NanoPcap, NanoPcapng);
        using (FileStream sections = File.Create(TwoSectionPcapng))
        {
            foreach (string part in new[] { MicroPcapng, NanoPcapng })
            {
                using FileStream input = File.OpenRead(part);
                input.CopyTo(sections);
            }
        }
    }

    public string MicroPcap => Path.Combine(_directory, "micro.pcap");
    public string NanoPcap => Path.Combine(_directory, "nano.pcap");
    public string SnapPcap => Path.Combine(_directory, "snap96.pcap");
    public string MultiInterfacePcapng => Path.Combine(_directory, "two-interfaces.pcapng");
    public string MicroPcapng => Path.Combine(_directory, "micro.pcapng");
    public string NanoPcapng => Path.Combine(_directory, "nano.pcapng");
    /// <summary>micro.pcapng followed by nano.pcapng: two sections in one file, as the format allows.</summary>
    public string TwoSectionPcapng => Path.Combine(_directory, "two-sections.pcapng");

    public string PathOf(string name) => Path.Combine(_directory, name);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static void GenerateTraffic(NetworkNamespacePair pair, string taggedFrames)
    {
        string a = pair.NamespaceA;
        pair.Exec(a, "ping", "-c", "2", "-i", "0.2", "127.0.0.1"); // dumpcap's second interface
        pair.Exec(a, "ping", "-c", "3", "-i", "0.2", NetworkNamespacePair.AddressB);
        pair.Exec(a, "ping", "-c", "2", "-i", "0.2", "-s", "3000", NetworkNamespacePair.AddressB);
        pair.Exec(a, "ping", "-6", "-c", "2", "-i", "0.2", NetworkNamespacePair.Ipv6AddressB);
        pair.Exec(a, "ping", "-6", "-c", "2", "-i", "0.2", "-s", "3000", NetworkNamespacePair.Ipv6AddressB);

        Process server = pair.StartInside(pair.NamespaceB, "python3", "-c",
            "import socket\n" +
            "s = socket.socket()\n" +
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n" +
            $"s.bind(('{NetworkNamespacePair.AddressB}', 5000))\n" +
            "s.listen(1)\n" +
            "s.settimeout(30)\n" +
            "print('ready', flush=True)\n" +
            "c, _ = s.accept()\n" +
            "c.sendall(c.recv(100))\n" +
            "c.close()\n");
        WaitForLine(server.StandardOutput, line => line == "ready", "TCP server start");
        string echoed = pair.Exec(a, "bash", "-c",
            $"exec 3<>/dev/tcp/{NetworkNamespacePair.AddressB}/5000; echo hello >&3; cat <&3");
        if (echoed.Trim() != "hello")
        {
            throw new InvalidOperationException($"TCP echo returned '{echoed}'.");
        }
        server.WaitForExit(TimeSpan.FromSeconds(10));

        pair.Exec(a, "bash", "-c", $"echo datagram > /dev/udp/{NetworkNamespacePair.AddressB}/5001");
        pair.Exec(a, "tcpreplay", "-q", "-t", "-i", pair.InterfaceA, taggedFrames);
    }

    /// <summary>802.1Q and QinQ frames, the traffic a VLAN sub-interface would have produced.</summary>
    private static void WriteTaggedFrames(string path)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        using PcapWriter writer = PcapWriter.Create(path);
        writer.WriteRecord(now, Ethernet(EtherTypes.Ipv4,
            Ipv4("10.200.2.1", "10.200.2.2", IpProtocols.Icmp, Icmp(8, 0, 56)), (EtherTypes.Vlan, 100)));
        writer.WriteRecord(now + 1_000_000, Ethernet(EtherTypes.Ipv4,
            Ipv4("10.200.3.1", "10.200.3.2", IpProtocols.Udp, Udp(4000, 4001, 32)), (EtherTypes.QinQ, 300), (EtherTypes.Vlan, 20)));
        writer.WriteRecord(now + 2_000_000, Ethernet(EtherTypes.Ipv6,
            Ipv6("fd00:100::1", "fd00:100::2", IpProtocols.Tcp, Tcp(40000, 22, TcpFlags.Syn, optionBytes: 20)), (EtherTypes.Vlan, 100)));
    }

    private static void WaitForLine(StreamReader reader, Func<string, bool> isReady, string what)
    {
        var output = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            string? line;
            try
            {
                line = reader.ReadLineAsync(timeout.Token).AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No sign of {what} within 15 s; output so far: {string.Join(" | ", output)}");
            }
            if (line is null)
            {
                throw new InvalidOperationException($"Process ended before {what}: {string.Join(" | ", output)}");
            }
            output.Add(line);
            if (isReady(line))
            {
                return;
            }
        }
    }
}
