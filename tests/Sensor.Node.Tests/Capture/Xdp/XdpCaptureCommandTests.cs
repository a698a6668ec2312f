using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using NerfEngine.Sensor.Cli;
using NerfEngine.Tests.SensorNode.Capture.AfPacket;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Capture.Xdp;

/// <summary><c>capture --engine xdp</c> end to end: in process for output, in child processes to drop capabilities or crash.</summary>
[Collection(XdpCollection.Name)]
public sealed class XdpCaptureCommandTests : IDisposable
{

    private readonly VethCaptureLink _link = new();
    private readonly ScratchDirectory _scratch = new();

    [Fact]
    public async Task Capture_json_reports_every_packet_the_edge_table_and_the_reduction()
    {
        string pcap = _scratch.File("mixed.pcap");
        TrafficSummary traffic = TrafficFile.Write(pcap, flows: 24, packetsPerFlow: 40);
        Task<(int Code, string Output, string Error)> capture = InvokeAsync(
            "capture", "--engine", "xdp", "--interface", _link.CaptureInterface, "--duration", "4", "--json",
            "--set", "Xdp:FlowTableEntries=65536");
        await XdpLink.WaitUntilAsync(() => XdpLink.AttachedProgram(_link.CaptureInterface) is not null);
        long sent = _link.Replay(pcap);
        (int code, string output, string error) = await capture;

        Assert.True(code == 0, $"exit {code}: {error}");
        JsonNode summary = JsonNode.Parse(output)!;
        Assert.Equal("xdp", (string)summary["engine"]!);
        Assert.Equal("native", (string)summary["mode"]!);
        Assert.Equal(sent, (long)summary["capture"]!["packets_captured"]!);
        Assert.Equal(0, (long)summary["capture"]!["kernel_drops"]!);
        JsonArray edges = summary["edges"]!.AsArray();
        Assert.Equal(traffic.Flows, edges.Count);
        Assert.Equal(sent, edges.Sum(edge => (long)edge!["packets"]!));
        Assert.True((double)summary["records"]!["kernel_records_per_packet"]! < 0.2);
        Assert.Equal((long)summary["publishing"]!["edges_published"]!, (long)summary["delivered"]!["edges"]!);
        Assert.Null(XdpLink.AttachedProgram(_link.CaptureInterface));
    }

    [Fact]
    public async Task Capture_on_a_missing_interface_exits_2_with_the_clear_error()
    {
        (int code, string output, string error) = await InvokeAsync("capture", "--engine", "xdp", "--interface", "nerfnosuch4", "--duration", "1");
        Assert.Equal(2, code);
        Assert.Equal("error: interface 'nerfnosuch4' not found", error.Trim());
        Assert.Empty(output);
    }

    [Fact]
    public async Task A_capture_filter_is_refused_because_the_program_sees_every_frame()
    {
        (int code, _, string error) = await InvokeAsync("capture", "--engine", "xdp", "--interface", _link.CaptureInterface, "--filter", "udp", "--duration", "1");
        Assert.Equal(2, code);
        Assert.StartsWith("error: --filter 'udp' is not supported by the xdp engine", error.Trim());
    }

    [Fact]
    public async Task Capture_without_CAP_BPF_and_CAP_NET_ADMIN_exits_2_saying_what_it_needs()
    {
        // setpriv drops the capabilities from the bounding set, so the exec'd process (still uid 0) lacks them.
        ExternalTool.Require("setpriv");
        using Process process = ExternalTool.Start("setpriv", "--bounding-set=-bpf,-net_admin,-sys_admin,-perfmon", "--inh-caps=-bpf,-net_admin,-sys_admin,-perfmon", "--",
            SensorExecutable.Dotnet, SensorExecutable.Dll, "capture", "--engine", "xdp", "--interface", _link.CaptureInterface, "--duration", "1");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith("error: not permitted: XDP capture needs root or CAP_BPF and CAP_NET_ADMIN", (await stderr).Trim());
        Assert.False(XdpLink.HasXdp(_link.CaptureInterface));
    }

    [Fact]
    public async Task A_killed_sensor_leaves_no_program_attached()
    {
        using Process process = ExternalTool.Start(SensorExecutable.Dotnet, SensorExecutable.Dll, "capture", "--engine", "xdp", "--interface", _link.CaptureInterface, "--json");
        await XdpLink.WaitUntilAsync(() => XdpLink.AttachedProgram(_link.CaptureInterface) is not null);

        process.Kill();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        // The program hangs on a BPF link: the kernel detaches it when the dead process's last link fd closes.
        await XdpLink.WaitUntilAsync(() => !XdpLink.HasXdp(_link.CaptureInterface));
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
}
