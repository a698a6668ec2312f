using NerfEngine.Control.Scenarios;
using NerfEngine.Tests.ControlNode.Support;

namespace NerfEngine.Tests.ControlNode.Evaluation;

/// <summary>The README's run path: <c>Control.Node run --pcap FILE</c> prints event cards as they fire.</summary>
public sealed class RunPcapCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nerf-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Run_replays_a_botnet_capture_and_prints_its_card_and_summary()
    {
        var pcap = Path.Combine(_dir, "botnet.pcap");
        ScenarioCatalog.Write("botnet-fanin", 4, pcap);

        var r = await ControlNodeProcess.RunAsync(TimeSpan.FromSeconds(120), "run", "--pcap", pcap, "--set", "Management:Port=0");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("FANIN[BOTNET_COORDINATION]", r.Stdout);
        Assert.Contains("replay summary", r.Stdout);
        Assert.Contains("/ready", r.Stdout);
    }

    [Fact]
    public async Task Run_on_a_missing_file_is_one_clear_error()
    {
        var r = await ControlNodeProcess.RunAsync(TimeSpan.FromSeconds(60), "run", "--pcap", Path.Combine(_dir, "absent.pcap"), "--set", "Management:Port=0");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("capture file not found", r.Stderr);
    }
}
