using System.CommandLine;
using System.Text.Json;
using NerfEngine.Sensor.Cli;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Tests.SensorNode.Pipeline;
using static NerfEngine.Tests.SensorNode.Flows.FlowScenario;

namespace NerfEngine.Tests.SensorNode.Cli;

public sealed class ReplayCommandTests
{
    private static TemporaryCapture SmallCapture() => TemporaryCapture.Write(
    [
        (At(0), TcpFrame("10.0.0.1", 40000, "10.0.0.2", 443, TcpFlags.Syn)),
        (At(1), TcpFrame("10.0.0.2", 443, "10.0.0.1", 40000, TcpFlags.Syn | TcpFlags.Ack)),
        (At(2), TcpFrame("10.0.0.1", 40000, "10.0.0.2", 443, TcpFlags.Ack, payload: 500)),
        (At(3), UdpFrame("fd00::1", 5353, "fd00::2", 53, payload: 30, vlan: 42)),
    ]);

    [Fact]
    public async Task Json_summary_holds_the_counters_and_every_conversation_per_direction()
    {
        using TemporaryCapture capture = SmallCapture();

        (int exitCode, string output, string error) = await RunAsync("replay", "--pcap", capture.Path, "--json");

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement root = json.RootElement;
        Assert.Equal(4, root.GetProperty("packets_read").GetInt64());
        Assert.True(root.GetProperty("completed").GetBoolean());
        Assert.Equal(4, root.GetProperty("capture").GetProperty("packets_captured").GetInt64());
        Assert.Equal(0, root.GetProperty("capture").GetProperty("kernel_drops").GetInt64());
        Assert.Equal(2, root.GetProperty("flows").GetProperty("created").GetInt64());
        Assert.Equal(0, root.GetProperty("publishing").GetProperty("batches_dropped").GetInt64());
        Assert.Equal(0, root.GetProperty("publishing").GetProperty("edges_dropped").GetInt64());
        long edges = root.GetProperty("edges").GetProperty("total").GetInt64();
        Assert.Equal(edges, root.GetProperty("publishing").GetProperty("edges_delivered").GetInt64());
        JsonElement transport = root.GetProperty("transport");
        Assert.Equal("inprocess", transport.GetProperty("kind").GetString());
        Assert.Equal(root.GetProperty("publishing").GetProperty("batches_published").GetInt64(), transport.GetProperty("published").GetInt64());
        Assert.Equal(0, transport.GetProperty("dropped").GetInt64());

        JsonElement[] conversations = [.. root.GetProperty("conversations").EnumerateArray()];
        Assert.Equal(2, conversations.Length);
        JsonElement tcp = conversations[0];
        Assert.Equal("10.0.0.1", tcp.GetProperty("src").GetString());
        Assert.Equal("10.0.0.2", tcp.GetProperty("dst").GetString());
        Assert.Equal(40000, tcp.GetProperty("src_port").GetInt32());
        Assert.Equal(443, tcp.GetProperty("dst_port").GetInt32());
        Assert.Equal(6, tcp.GetProperty("protocol").GetInt32());
        Assert.Equal(2, tcp.GetProperty("packets_src_to_dst").GetInt64());
        Assert.Equal(54 + 554, tcp.GetProperty("frame_bytes_src_to_dst").GetInt64());
        Assert.Equal(1, tcp.GetProperty("packets_dst_to_src").GetInt64());
        Assert.Equal(54, tcp.GetProperty("frame_bytes_dst_to_src").GetInt64());
        Assert.Equal(42, conversations[1].GetProperty("vlan").GetInt32());
        Assert.Equal(6, conversations[1].GetProperty("ip_version").GetInt32());
    }

    [Fact]
    public async Task Without_json_a_progress_line_and_a_summary_table_are_printed()
    {
        using TemporaryCapture capture = SmallCapture();

        (int exitCode, string output, _) = await RunAsync("replay", "--pcap", capture.Path, "--speed", "max");

        Assert.Equal(0, exitCode);
        Assert.Contains("Replay summary", output, StringComparison.Ordinal);
        Assert.Contains("batches_dropped / edges_dropped", output, StringComparison.Ordinal);
        Assert.Contains("Top conversations", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_one_error_line_and_exit_code_2()
    {
        using TemporaryCapture capture = TemporaryCapture.Empty("absent.pcap");

        (int exitCode, string output, string error) = await RunAsync("replay", "--pcap", capture.Path);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.Equal($"error: Capture file not found: {capture.Path}", error.TrimEnd('\n'));
    }

    [Fact]
    public async Task A_file_that_is_not_a_capture_is_one_error_line_and_exit_code_2()
    {
        using TemporaryCapture capture = TemporaryCapture.Empty("readme.txt");
        await File.WriteAllTextAsync(capture.Path, "no packets here");

        (int exitCode, _, string error) = await RunAsync("replay", "--pcap", capture.Path, "--json");

        Assert.Equal(2, exitCode);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: Not a readable capture file:", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_setting_is_one_error_line_and_exit_code_2()
    {
        using TemporaryCapture capture = SmallCapture();

        (int exitCode, _, string error) = await RunAsync("replay", "--pcap", capture.Path, "--set", "Flows:MaxFlows=0");

        Assert.Equal(2, exitCode);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains("MaxFlows", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_speed_is_rejected_with_the_accepted_forms()
    {
        using TemporaryCapture capture = SmallCapture();

        (int exitCode, _, string error) = await RunAsync("replay", "--pcap", capture.Path, "--speed", "fast");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("'max' or a positive factor", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configuration_reaches_the_tracker_vlan_awareness_off_merges_vlans()
    {
        using TemporaryCapture capture = TemporaryCapture.Write(
        [
            (At(0), UdpFrame("10.0.0.1", 1, "10.0.0.2", 2, vlan: 10)),
            (At(1), UdpFrame("10.0.0.1", 1, "10.0.0.2", 2, vlan: 20)),
        ]);

        (int exitCode, string output, _) = await RunAsync("replay", "--pcap", capture.Path, "--json", "--set", "Flows:VlanAware=false");

        Assert.Equal(0, exitCode);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal(1, json.RootElement.GetProperty("conversations").GetArrayLength());
    }

    [Theory]
    [InlineData("--file-access", "stream")]
    [InlineData("--threads", "1")]
    public async Task Streamed_file_access_and_one_thread_give_the_default_summary_byte_for_byte(string option, string value)
    {
        // Enough records (about 3 MB) that the streamed reader refills its window many times.
        using TemporaryCapture capture = TemporaryCapture.Write(Enumerable.Range(0, 20_000).Select(i => (At(i * 0.001),
            i % 2 == 0
                ? TcpFrame($"10.0.{i % 7}.1", (ushort)(1024 + i % 300), "10.9.0.2", 443, i % 50 == 0 ? TcpFlags.Syn : TcpFlags.Ack, payload: i % 1_200)
                : UdpFrame("fd00::1", (ushort)(1024 + i % 200), "fd00::53", 53, payload: i % 300))));

        (int defaultCode, string byDefault, _) = await RunAsync("replay", "--pcap", capture.Path, "--json");
        (int otherCode, string other, _) = await RunAsync("replay", "--pcap", capture.Path, "--json", option, value);

        Assert.Equal(0, defaultCode);
        Assert.Equal(0, otherCode);
        static string WithoutElapsed(string json) => string.Join('\n', json.Split('\n').Where(line => !line.Contains("\"elapsed_seconds\"", StringComparison.Ordinal)));
        Assert.Contains("\"packets_read\": 20000", byDefault, StringComparison.Ordinal);
        Assert.Equal(WithoutElapsed(byDefault), WithoutElapsed(other));
    }

    [Fact]
    public async Task A_thread_count_other_than_one_or_two_is_a_usage_error()
    {
        using TemporaryCapture capture = TemporaryCapture.Write([(At(0), UdpFrame("10.0.0.1", 1000, "10.0.0.2", 53))]);

        (int exitCode, _, string error) = await RunAsync("replay", "--pcap", capture.Path, "--threads", "4");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("'4'", error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand { ReplayCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
