using System.Diagnostics;
using NerfEngine.Tests.SensorNode.Capture.AfPacket;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Capture.Xdp;

/// <summary>
/// scripts/tune_kernel.sh: --dry-run prints every change and changes nothing (on this host), and on a fake
/// /proc + /sys tree (NERF_TUNE_ROOT) a run applies every setting and IRQ pin, a second run changes nothing,
/// and --revert restores the originals.
/// </summary>
public sealed class TuneKernelScriptTests : IDisposable
{
    private static readonly (string Key, string Target)[] Settings =
    [
        ("net.core.rmem_max", "134217728"),
        ("net.core.netdev_max_backlog", "300000"),
        ("net.core.busy_read", "50"),
        ("net.core.busy_poll", "50"),
        ("net.core.bpf_jit_enable", "1"),
        ("vm.nr_hugepages", "512"),
    ];

    private readonly ScratchDirectory _scratch = new();

    [Fact]
    public void Dry_run_on_this_host_prints_every_setting_and_changes_nothing()
    {
        string state = _scratch.File("state");
        Dictionary<string, string> before = Settings.ToDictionary(s => s.Key, s => ReadSysctl("", s.Key));

        (int code, string output, _) = Run(state, "", "--dry-run");

        Assert.Equal(0, code);
        foreach ((string key, string target) in Settings)
        {
            string expected = before[key] == target
                ? $"sysctl {key}: already {target}"
                : $"[dry-run] would set sysctl {key}: {before[key]} -> {target}";
            Assert.Contains(expected, output.Split('\n'));
            Assert.Equal(before[key], ReadSysctl("", key));
        }
        Assert.False(File.Exists(state));
    }

    [Fact]
    public void A_run_applies_everything_a_second_run_changes_nothing_and_revert_restores_the_originals()
    {
        string root = FakeTree();
        string state = _scratch.File("state");

        (int code, string dryRun, _) = Run(state, root, "--dry-run", "--nic", "eth9");
        Assert.Equal(0, code);
        string[] expected =
        [
            "[dry-run] would set sysctl net.core.rmem_max: 212992 -> 134217728",
            "[dry-run] would set sysctl net.core.netdev_max_backlog: 1000 -> 300000",
            "[dry-run] would set sysctl net.core.busy_read: 0 -> 50",
            "[dry-run] would set sysctl net.core.busy_poll: 0 -> 50",
            "[dry-run] would set sysctl net.core.bpf_jit_enable: 0 -> 1",
            "[dry-run] would set sysctl vm.nr_hugepages: 0 -> 512",
            "[dry-run] would set irq 41 (virtio3-input.0) smp_affinity_list: 0-3 -> 0",
            "[dry-run] would set irq 42 (virtio3-output.0) smp_affinity_list: 0-3 -> 0",
            "[dry-run] would set irq 43 (virtio3-input.1) smp_affinity_list: 0-3 -> 1",
            "[dry-run] would set irq 44 (virtio3-output.1) smp_affinity_list: 0-3 -> 1",
        ];
        Assert.All(expected, line => Assert.Contains(line, dryRun.Split('\n')));
        Assert.DoesNotContain("virtio3-config", dryRun);
        Assert.Equal("212992", ReadSysctl(root, "net.core.rmem_max"));

        (code, string applied, _) = Run(state, root, "--nic", "eth9");
        Assert.Equal(0, code);
        Assert.Equal([.. expected.Select(line => line.Replace("[dry-run] would ", ""))], applied.Split('\n').Where(line => line.StartsWith("set ", StringComparison.Ordinal)));
        Assert.All(Settings, s => Assert.Equal(s.Target, ReadSysctl(root, s.Key)));
        Assert.Equal("1", File.ReadAllText(Path.Combine(root, "proc/irq/43/smp_affinity_list")).Trim());

        (code, string again, _) = Run(state, root, "--nic", "eth9");
        Assert.Equal(0, code);
        Assert.DoesNotContain("set ", again);
        Assert.Equal(10, again.Split('\n').Count(line => line.Contains(": already ", StringComparison.Ordinal)));

        (code, string reverted, _) = Run(state, root, "--revert");
        Assert.Equal(0, code);
        Assert.Contains("restore sysctl net.core.rmem_max: 134217728 -> 212992", reverted);
        Assert.Equal("212992", ReadSysctl(root, "net.core.rmem_max"));
        Assert.Equal("0-3", File.ReadAllText(Path.Combine(root, "proc/irq/43/smp_affinity_list")).Trim());
        Assert.False(File.Exists(state));
        Assert.Contains("nothing to revert", Run(state, root, "--revert").Output);
    }

    [Theory]
    [InlineData("tune_kernel: error: unknown argument '--bogus'", "--bogus")]
    [InlineData("tune_kernel: error: interface 'nerfnosuch5' not found", "--dry-run", "--nic", "nerfnosuch5")]
    [InlineData("tune_kernel: error: --revert restores everything recorded; it takes no --nic", "--revert", "--nic", "eth0")]
    public void Bad_arguments_exit_2_before_any_change(string message, params string[] arguments)
    {
        (int code, string output, string error) = Run(_scratch.File("state"), "", arguments);
        Assert.Equal(2, code);
        Assert.StartsWith(message, error.Trim());
        Assert.Empty(output);
    }

    public void Dispose() => _scratch.Dispose();

    private static string ReadSysctl(string root, string key) =>
        File.ReadAllText($"{root}/proc/sys/{key.Replace('.', '/')}").Trim();

    /// <summary>/proc and /sys as the script reads them, for a 2-CPU host with a 2-queue virtio NIC eth9.</summary>
    private string FakeTree()
    {
        string root = _scratch.File("root");
        void Put(string path, string text)
        {
            string full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text + "\n");
        }
        Put("proc/sys/net/core/rmem_max", "212992");
        Put("proc/sys/net/core/netdev_max_backlog", "1000");
        Put("proc/sys/net/core/busy_read", "0");
        Put("proc/sys/net/core/busy_poll", "0");
        Put("proc/sys/net/core/bpf_jit_enable", "0");
        Put("proc/sys/vm/nr_hugepages", "0");
        Put("proc/cpuinfo", "processor\t: 0\nprocessor\t: 1");
        Put("proc/interrupts", string.Join('\n',
            "           CPU0       CPU1",
            " 40:          0          0 PCI-MSIX-0000:00:04.0   0-edge      virtio3-config",
            " 41:        100          0 PCI-MSIX-0000:00:04.0   1-edge      virtio3-input.0",
            " 42:        100          0 PCI-MSIX-0000:00:04.0   2-edge      virtio3-output.0",
            " 43:        100          0 PCI-MSIX-0000:00:04.0   3-edge      virtio3-input.1",
            " 44:        100          0 PCI-MSIX-0000:00:04.0   4-edge      virtio3-output.1"));
        foreach (int irq in new[] { 40, 41, 42, 43, 44 })
        {
            Put($"sys/devices/pci0000:00/0000:00:04.0/msi_irqs/{irq}", "msix");
            Put($"proc/irq/{irq}/smp_affinity_list", "0-3");
        }
        Directory.CreateDirectory(Path.Combine(root, "sys/devices/pci0000:00/0000:00:04.0/virtio3"));
        Directory.CreateDirectory(Path.Combine(root, "sys/class/net/eth9"));
        File.CreateSymbolicLink(Path.Combine(root, "sys/class/net/eth9/device"), Path.Combine(root, "sys/devices/pci0000:00/0000:00:04.0/virtio3"));
        return root;
    }

    private static (int Code, string Output, string Error) Run(string state, string root, params string[] arguments)
    {
        ExternalTool.Require("bash");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepoRoot(), "scripts", "tune_kernel.sh"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["NERF_TUNE_STATE"] = state;
        start.Environment["NERF_TUNE_ROOT"] = root;
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "tune_kernel.sh did not finish within 30 s");
        return (process.ExitCode, output.Result, error.Result);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NerfEngine.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No NerfEngine.sln above {AppContext.BaseDirectory}.");
    }
}
