using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using NerfEngine.Sensor.Cli;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Capture.AfPacket;

/// <summary>The <c>capture</c> verb end to end: in process for output, in a child process to drop CAP_NET_RAW.</summary>
[Collection(LiveCaptureCollection.Name)]
public sealed class CaptureCommandTests : IDisposable
{

    private readonly VethCaptureLink _link = new();
    private readonly ScratchDirectory _scratch = new();

    [Fact]
    public async Task Capture_json_summary_reports_every_replayed_packet_and_the_per_edge_table()
    {
        string pcap = _scratch.File("mixed.pcap");
        TrafficSummary traffic = TrafficFile.Write(pcap, flows: 24, packetsPerFlow: 20);
        int socketsBefore = ProcessResources.Now().BoundPacketSockets;
        Task<(int Code, string Output, string Error)> capture = InvokeAsync(
            "capture", "--interface", _link.CaptureInterface, "--duration", "4", "--json",
            "--fanout", "2", "--fanout-group", AfPacketFanoutTests.UniqueGroupId().ToString(),
            "--block-size", "262144", "--block-count", "8", "--retire-timeout-ms", "10");
        await WaitForBoundRingsAsync("self", socketsBefore + 2);
        long sent = _link.Replay(pcap);
        (int code, string output, string error) = await capture;

        Assert.True(code == 0, $"exit {code}: {error}");
        JsonNode summary = JsonNode.Parse(output)!;
        Assert.Equal(sent, (long)summary["capture"]!["packets_captured"]!);
        Assert.Equal(0, (long)summary["capture"]!["kernel_drops"]!);
        Assert.Equal(2, summary["workers"]!.AsArray().Count);
        Assert.Equal("hash", (string)summary["fanout"]!["mode"]!);
        JsonArray edges = summary["edges"]!.AsArray();
        Assert.Equal(traffic.Flows, edges.Count);
        Assert.Equal(sent, edges.Sum(edge => (long)edge!["packets"]!));
        Assert.Equal((long)summary["publishing"]!["edges_published"]!, (long)summary["delivered"]!["edges"]!);
    }

    [Fact]
    public async Task Capture_on_a_missing_interface_exits_2_with_the_clear_error()
    {
        (int code, string output, string error) = await InvokeAsync("capture", "--interface", "nerfnosuch2", "--duration", "1");
        Assert.Equal(2, code);
        Assert.Equal("error: interface 'nerfnosuch2' not found", error.Trim());
        Assert.Empty(output);
    }

    [Fact]
    public async Task Capture_without_CAP_NET_RAW_exits_2_saying_it_needs_root_or_CAP_NET_RAW()
    {
        // setpriv drops CAP_NET_RAW from the bounding set, so the exec'd process (still uid 0) lacks it.
        ExternalTool.Require("setpriv");
        using Process process = ExternalTool.Start("setpriv", "--bounding-set=-net_raw", "--inh-caps=-net_raw", "--",
            SensorExecutable.Dotnet, SensorExecutable.Dll, "capture", "--interface", _link.CaptureInterface, "--duration", "1");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith("error: not permitted: capture needs root or CAP_NET_RAW", (await stderr).Trim());
    }

    [Fact]
    public async Task Capture_ended_by_SIGTERM_still_prints_its_summary_and_exits_0()
    {
        string pcap = _scratch.File("flows.pcap");
        TrafficFile.Write(pcap, flows: 8, packetsPerFlow: 10);
        using Process process = ExternalTool.Start(SensorExecutable.Dotnet, SensorExecutable.Dll, "capture", "--interface", _link.CaptureInterface, "--json");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await WaitForBoundRingsAsync(process.Id.ToString(), 1);
        long sent = _link.Replay(pcap);
        await Task.Delay(500);
        ExternalTool.Run("kill", "-TERM", process.Id.ToString());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await stderr}");
        Assert.Equal(sent, (long)JsonNode.Parse(await stdout)!["capture"]!["packets_captured"]!);
    }

    public void Dispose()
    {
        _link.Dispose();
        _scratch.Dispose();
    }

    private static async Task<(int Code, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand { CaptureCommand.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Waits until <paramref name="process"/> (a pid or "self") holds <paramref name="count"/> bound packet
    /// sockets: its rings are capturing. A socket exists before it is bound, so counting descriptors is not enough.
    /// </summary>
    private static async Task WaitForBoundRingsAsync(string process, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (ProcessResources.Of(process).BoundPacketSockets >= count)
                {
                    await Task.Delay(100); // a fanout member joins its group right after bind
                    return;
                }
            }
            catch (IOException)
            {
                // A descriptor closed while we looked; try again.
            }
            await Task.Delay(20);
        }
        Assert.Fail($"process {process} did not bind {count} packet socket(s) within 20 s");
    }
}
