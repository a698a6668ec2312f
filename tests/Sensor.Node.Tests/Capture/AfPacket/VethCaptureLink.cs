using System.Diagnostics;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Capture.AfPacket;

/// <summary>
/// A quiet link to capture on: a fresh network namespace holding the sending veth end, and its peer
/// left in the root namespace (where the capture socket opens, no setns needed). IPv6 is off on both
/// ends and neither has an address, so the kernel sends nothing of its own: every frame on the link
/// is one a test sent. Names are unique per instance; disposing deletes the namespace, which removes
/// the veth pair.
/// </summary>
public sealed class VethCaptureLink : IDisposable
{
    private const string NamespacePrefix = "nerfcap-";

    public VethCaptureLink()
    {
        ExternalTool.Require("ip", "sysctl", "tcpreplay");
        RemoveLinksOfDeadRuns();
        string suffix = Guid.NewGuid().ToString("N")[..8];
        Namespace = $"{NamespacePrefix}{Environment.ProcessId}-{suffix}";
        SenderInterface = $"ncs{suffix}";
        CaptureInterface = $"ncr{suffix}";
        try
        {
            ExternalTool.Run("ip", "netns", "add", Namespace);
            InNamespace("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
            InNamespace("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
            ExternalTool.Run("ip", "link", "add", SenderInterface, "netns", Namespace, "type", "veth", "peer", "name", CaptureInterface);
            ExternalTool.Run("sysctl", "-qw", $"net.ipv6.conf.{CaptureInterface}.disable_ipv6=1");
            ExternalTool.Run("ip", "link", "set", CaptureInterface, "up");
            InNamespace("ip", "link", "set", "lo", "up");
            InNamespace("ip", "link", "set", SenderInterface, "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The namespace holding <see cref="SenderInterface"/>.</summary>
    public string Namespace { get; }

    /// <summary>The veth end tcpreplay writes into (inside <see cref="Namespace"/>).</summary>
    public string SenderInterface { get; }

    /// <summary>The veth end in the root namespace where frames arrive and are captured.</summary>
    public string CaptureInterface { get; }

    /// <summary>
    /// Sends every frame of <paramref name="pcapPath"/> into the link with tcpreplay at
    /// <paramref name="packetsPerSecond"/> (0: --topspeed) and returns how many it reports sent.
    /// </summary>
    public long Replay(string pcapPath, int packetsPerSecond = 20_000)
    {
        string rate = packetsPerSecond > 0 ? $"--pps={packetsPerSecond}" : "--topspeed";
        string output = InNamespace("tcpreplay", "-i", SenderInterface, rate, pcapPath);
        return TcpreplayOutput.PacketsSent(output);
    }

    /// <summary>Starts a process inside the namespace; the caller ends it.</summary>
    public Process StartInNamespace(params string[] command) => ExternalTool.Start("ip", ["netns", "exec", Namespace, .. command]);

    public string InNamespace(params string[] command) => ExternalTool.Run("ip", ["netns", "exec", Namespace, .. command]);

    public void Dispose()
    {
        try
        {
            ExternalTool.Run("ip", "netns", "del", Namespace);
        }
        catch (InvalidOperationException)
        {
            // Never created (construction failed part way).
        }
        try
        {
            // Normally gone with the namespace; make sure no root-namespace end is left behind.
            ExternalTool.Run("ip", "link", "del", CaptureInterface);
        }
        catch (InvalidOperationException)
        {
            // Already removed with its peer.
        }
    }

    /// <summary>
    /// A test run killed mid-way (CI timeout) cannot clean up; its namespaces carry its process id, so the
    /// next run removes those whose process is gone (deleting the namespace removes the veth pair).
    /// </summary>
    private static void RemoveLinksOfDeadRuns()
    {
        foreach (string line in ExternalTool.Run("ip", "netns", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = line.Split(' ')[0];
            string[] parts = name.Split('-');
            if (name.StartsWith(NamespacePrefix, StringComparison.Ordinal) && parts.Length == 3
                && int.TryParse(parts[1], out int pid) && !Directory.Exists($"/proc/{pid}"))
            {
                try
                {
                    ExternalTool.Run("ip", "netns", "del", name);
                }
                catch (InvalidOperationException)
                {
                    // Another run removed it first.
                }
            }
        }
    }
}
