using System.Diagnostics;
using System.Text.Json.Nodes;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Capture.EveJson;

/// <summary>
/// <c>capture --engine eve</c> end to end: the built executable follows a real eve.json that this test
/// writes like Suricata and rotates like logrotate, with a malformed line among the events, and stops on
/// SIGTERM as systemd would stop it.
/// </summary>
public sealed class EveCaptureCommandTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly EveScratchFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task An_unreachable_RabbitMQ_broker_is_one_error_line_and_exit_code_2()
    {
        _file.AppendLines([EveLines.Stats]);
        using Process sensor = ExternalTool.Start(SensorExecutable.Dotnet, SensorExecutable.Dll, "capture", "--engine", "eve", "--eve-file", _file.Path, "--duration", "5",
            "--set", "Transport:Kind=rabbitmq", "--set", "Transport:RabbitMq:Uri=amqp://nerf:secret@127.0.0.1:1/",
            "--set", "Transport:RabbitMq:ConnectTimeout=00:00:03");
        Task<string> stdout = sensor.StandardOutput.ReadToEndAsync();
        string stderr = await sensor.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Patience);
        await sensor.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, sensor.ExitCode);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains("Transport:RabbitMq:Uri", line, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", line, StringComparison.Ordinal);
        Assert.Equal("", await stdout);
    }

    [Fact]
    public async Task Following_eve_json_through_a_rotation_counts_every_line_and_tabulates_the_edges()
    {
        string[] beforeRotation =
        [
            EveLines.Flow("10.1.0.1", 40001, "10.9.0.1", 443, "TCP", packets: 12, bytes: 3_000, second: 1),
            EveLines.Flow("10.1.0.2", 40002, "10.9.0.1", 443, "TCP", packets: 8, bytes: 1_000, second: 2),
            "{\"timestamp\": not json at all",
            EveLines.Stats,
        ];
        string[] afterRotation =
        [
            EveLines.Flow("10.1.0.1", 40001, "10.9.0.1", 443, "TCP", packets: 5, bytes: 700, second: 3),
            EveLines.DnsQueryV4,
            EveLines.Flow("fd00::1", 5353, "fd00::53", 53, "UDP", packets: 2, bytes: 180, second: 4),
        ];
        _file.AppendLines(beforeRotation);
        using Process sensor = ExternalTool.Start(SensorExecutable.Dotnet, SensorExecutable.Dll, "capture", "--engine", "eve", "--eve-file", _file.Path,
            "--from", "start", "--json", "--set", "EveJson:Tailer:RotationQuietPeriod=00:00:00.2");
        Task<string> stdout = sensor.StandardOutput.ReadToEndAsync();
        Task<string> stderr = sensor.StandardError.ReadToEndAsync();
        try
        {
            await WaitUntilAsync(() => HasOpen(sensor, _file.Path), "the sensor opened eve.json");

            string rotated = _file.RotateByRename();
            _file.AppendLines(afterRotation);
            await WaitUntilAsync(() => HasOpen(sensor, _file.Path) && !HasOpen(sensor, rotated), "the sensor followed the rotation to the new eve.json");
            // The tailer reads to the end of the file on every poll (250 ms by default): give it a few.
            await Task.Delay(TimeSpan.FromSeconds(1.5));

            Assert.Equal(0, Kill(sensor.Id, 15));
            using var timeout = new CancellationTokenSource(Patience);
            await sensor.WaitForExitAsync(timeout.Token);
            Assert.True(File.Exists(rotated));
        }
        finally
        {
            if (!sensor.HasExited)
            {
                sensor.Kill();
            }
        }

        string error = await stderr;
        Assert.True(sensor.ExitCode == 0, $"exit {sensor.ExitCode}: {error}");
        JsonNode summary = JsonNode.Parse(await stdout)!;
        Assert.Equal("eve", (string)summary["engine"]!);
        JsonNode capture = summary["capture"]!;
        Assert.Equal(beforeRotation.Length + afterRotation.Length, (long)capture["packets_captured"]!);
        Assert.Equal(1, (long)capture["parse_errors"]!);
        Assert.Contains("malformed JSON", (string)capture["last_error"]!, StringComparison.Ordinal);
        JsonNode eve = summary["eve"]!;
        Assert.Equal(1, (long)eve["rotations"]!);
        Assert.Equal(4, (long)eve["outcomes"]!["flow"]!);
        Assert.Equal(1, (long)eve["outcomes"]!["dns_query"]!);
        Assert.Equal(1, (long)eve["outcomes"]!["malformed_json"]!);
        Assert.Equal(1, (long)eve["ignored_event_types"]!["stats"]!);

        // Flow lines give OPEN + CLOSE, a DNS query an OPEN: every edge reached the consumer, none dropped.
        long edges = (long)capture["events_emitted"]!;
        Assert.Equal(4 * 2 + 1, edges);
        Assert.Equal(edges, (long)summary["publishing"]!["edges_published"]!);
        Assert.Equal(edges, (long)summary["delivered"]!["edges"]!);
        Assert.Equal(0, (long)summary["publishing"]!["edges_dropped"]!);

        JsonArray table = summary["edges"]!.AsArray();
        Assert.Equal(4, table.Count);
        JsonNode first = table[0]!;
        Assert.Equal("10.1.0.1", (string)first["source"]!);
        Assert.Equal("10.9.0.1", (string)first["destination"]!);
        Assert.Equal(443, (int)first["destination_port"]!);
        Assert.Equal(12 + 5, (long)first["packets"]!);
        Assert.Equal(3_000 + 700, (long)first["bytes"]!);
        Assert.Contains(table, edge => (string)edge!["source"]! == "fd00::1" && (long)edge["packets"]! == 2 && (int)edge["protocol"]! == 17);
    }

    [Fact]
    public async Task A_missing_eve_file_is_one_error_line_and_exit_code_2()
    {
        (int code, string output, string error) = await RunToEndAsync("capture", "--engine", "eve", "--eve-file", _file.Path, "--duration", "1");

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith($"error: eve.json not found: {_file.Path}.", error.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_eve_engine_without_a_file_or_with_an_interface_is_a_usage_error()
    {
        (int code, _, string error) = await RunToEndAsync("capture", "--engine", "eve", "--duration", "1");
        Assert.Equal(2, code);
        Assert.StartsWith("error: --engine eve needs --eve-file PATH", error.Trim(), StringComparison.Ordinal);

        _file.AppendLines(EveLines.Stats);
        (code, _, error) = await RunToEndAsync("capture", "--engine", "eve", "--eve-file", _file.Path, "--interface", "eth0", "--duration", "1");
        Assert.Equal(2, code);
        Assert.StartsWith("error: --interface 'eth0' does not apply to --engine eve", error.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_json_the_summary_table_and_top_edges_are_printed()
    {
        _file.AppendLines(EveLines.TcpFlowV4, EveLines.SshScanAlertV4);

        (int code, string output, string error) = await RunToEndAsync("capture", "--engine", "eve", "--eve-file", _file.Path, "--from", "start", "--duration", "1.5");

        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("lines read", output, StringComparison.Ordinal);
        Assert.Contains("top edges (2 of 2)", output, StringComparison.Ordinal);
        Assert.Contains("93.184.216.34:443", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunToEndAsync(params string[] arguments)
    {
        using Process process = ExternalTool.Start(SensorExecutable.Dotnet, [SensorExecutable.Dll, .. arguments]);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Patience);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>True when one of the process's descriptors names <paramref name="path"/> (/proc shows a renamed file under its new name).</summary>
    private static bool HasOpen(Process process, string path)
    {
        try
        {
            return Directory.EnumerateFiles($"/proc/{process.Id}/fd").Any(descriptor => new FileInfo(descriptor).LinkTarget == path);
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or FileNotFoundException or IOException)
        {
            // The process exited, or a descriptor closed between listing and reading it.
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > Patience)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(50);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
