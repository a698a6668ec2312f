using System.Diagnostics;
using System.Text.RegularExpressions;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Pipeline.Lab;

/// <summary>
/// tcpdump -w on one interface inside a namespace: started and confirmed listening before traffic
/// flows, stopped with SIGINT so the file is complete, and its own packet/drop counts checked.
/// </summary>
internal sealed partial class TcpdumpRecorder
{
    private readonly Process _process;

    private TcpdumpRecorder(Process process, string path)
    {
        _process = process;
        Path = path;
    }

    public string Path { get; }

    /// <summary>
    /// Starts recording. Immediate mode, so no packet waits in a ring block when the capture stops;
    /// a 32 MiB buffer, so a burst from tcpreplay is not dropped.
    /// </summary>
    public static async Task<TcpdumpRecorder> StartAsync(NetworkNamespacePair lab, string @namespace, string device, string path)
    {
        Process process = lab.StartInside(@namespace, "tcpdump", "-n", "-i", device, "-w", path, "-U", "--immediate-mode", "-B", "32768");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            string? line = await process.StandardError.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                throw new InvalidOperationException($"tcpdump on {device} exited before listening (exit code {(process.HasExited ? process.ExitCode : -1)}).");
            }

            if (line.Contains("listening on", StringComparison.Ordinal))
            {
                return new TcpdumpRecorder(process, path);
            }
        }
    }

    /// <summary>Stops the capture; returns how many packets tcpdump wrote, after checking the kernel dropped none.</summary>
    public async Task<int> StopAsync()
    {
        await Task.Delay(300); // let the last replies cross the veth
        NetworkNamespacePair.Interrupt(_process);
        string report = await _process.StandardError.ReadToEndAsync();
        Match captured = CapturedPattern().Match(report);
        Match dropped = DroppedPattern().Match(report);
        Assert.True(captured.Success && dropped.Success, $"unexpected tcpdump report: {report}");
        Assert.Equal("0", dropped.Groups[1].Value);
        return int.Parse(captured.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"(\d+) packets? captured")]
    private static partial Regex CapturedPattern();

    [GeneratedRegex(@"(\d+) packets? dropped by kernel")]
    private static partial Regex DroppedPattern();
}
