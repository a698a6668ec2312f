using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NerfEngine.Tests.SensorNode.Support;

/// <summary>
/// Two network namespaces joined by a veth pair, addressed 10.200.1.1/.2 and fd00::1/::2, with unique
/// names so concurrent runs never collide. Disposing ends every process started through it and
/// deletes both namespaces (which removes the veth pair).
/// </summary>
public sealed partial class NetworkNamespacePair : IDisposable
{
    public const string AddressA = "10.200.1.1";
    public const string AddressB = "10.200.1.2";
    public const string Ipv6AddressA = "fd00::1";
    public const string Ipv6AddressB = "fd00::2";
    private const int SigInt = 2;

    private readonly List<Process> _processes = [];

    public NetworkNamespacePair()
    {
        string suffix = Guid.NewGuid().ToString("N")[..8];
        NamespaceA = $"nerfA{suffix}";
        NamespaceB = $"nerfB{suffix}";
        InterfaceA = $"nva{suffix}";
        InterfaceB = $"nvb{suffix}";
        try
        {
            Ip("netns", "add", NamespaceA);
            Ip("netns", "add", NamespaceB);
            Ip("link", "add", InterfaceA, "netns", NamespaceA, "type", "veth", "peer", "name", InterfaceB, "netns", NamespaceB);
            Configure(NamespaceA, InterfaceA, AddressA, Ipv6AddressA);
            Configure(NamespaceB, InterfaceB, AddressB, Ipv6AddressB);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string NamespaceA { get; }
    public string NamespaceB { get; }
    /// <summary>The veth end inside <see cref="NamespaceA"/>.</summary>
    public string InterfaceA { get; }
    public string InterfaceB { get; }

    /// <summary>Runs a command inside a namespace and waits for it.</summary>
    public string Exec(string @namespace, params string[] command) =>
        ExternalTool.Run("ip", ["netns", "exec", @namespace, .. command]);

    /// <summary>Starts a long-running command inside a namespace; it is ended at the latest on dispose.</summary>
    public Process StartInside(string @namespace, params string[] command)
    {
        // ip netns exec execs the command, so the process id is the command's own.
        Process process = ExternalTool.Start("ip", ["netns", "exec", @namespace, .. command]);
        _processes.Add(process);
        return process;
    }

    /// <summary>Asks a process to finish cleanly (tcpdump flushes its file on SIGINT) and waits for it.</summary>
    public static void Interrupt(Process process)
    {
        if (!process.HasExited)
        {
            _ = Kill(process.Id, SigInt);
        }
        if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    public void Dispose()
    {
        foreach (Process process in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(TimeSpan.FromSeconds(5));
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            process.Dispose();
        }
        foreach (string name in new[] { NamespaceA, NamespaceB })
        {
            try
            {
                Ip("netns", "del", name);
            }
            catch (InvalidOperationException)
            {
                // Never created (construction failed part way).
            }
        }
    }

    private static void Configure(string @namespace, string device, string ipv4, string ipv6)
    {
        Ip("-n", @namespace, "link", "set", "lo", "up");
        Ip("-n", @namespace, "link", "set", device, "up");
        Ip("-n", @namespace, "addr", "add", $"{ipv4}/24", "dev", device);
        // nodad: the address is usable at once instead of after duplicate address detection.
        Ip("-n", @namespace, "addr", "add", $"{ipv6}/64", "dev", device, "nodad");
    }

    private static void Ip(params string[] arguments) => ExternalTool.Run("ip", arguments);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
