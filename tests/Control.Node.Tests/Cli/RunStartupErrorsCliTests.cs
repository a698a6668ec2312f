using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using NerfEngine.Tests.ControlNode.Support;

namespace NerfEngine.Tests.ControlNode.Cli;

/// <summary>
/// <c>Control.Node run</c> refuses what it cannot do with one <c>error:</c> line and exit code 2, before it starts
/// anything: no journal, no banner, no stack trace.
/// </summary>
public sealed class RunStartupErrorsCliTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("nerf-run-errors-").FullName;

    private string JournalPath => Path.Combine(_dir, "journal.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_management_port_in_use_is_one_error_line_naming_the_address_and_Management_Port()
    {
        using var holder = Occupy(out var port);

        var run = await ControlNodeProcess.RunAsync(Timeout, "run", "--once", "--set", $"Management:Port={port}",
            "--set", $"Persistence:ConnectionString=Data Source={JournalPath}", "--set", $"Mcp:PcapDirectory={_dir}");

        AssertOneErrorLine(run, $"error: cannot listen on 127.0.0.1:{port} for management HTTP: the address is already in use");
        Assert.Contains("set Management:Port to a free port", run.Stderr);
    }

    [Fact]
    public async Task An_eve_streamer_port_in_use_is_one_error_line_naming_Ingress_EveStreamer_Port()
    {
        using var holder = Occupy(out var port);

        var run = await ControlNodeProcess.RunAsync(Timeout, "run", "--once", "--set", "Management:Port=0",
            "--set", $"Persistence:ConnectionString=Data Source={JournalPath}", "--set", $"Mcp:PcapDirectory={_dir}",
            "--set", "Ingress:EveStreamer:Enabled=true", "--set", $"Ingress:EveStreamer:Port={port}",
            "--set", "Ingress:EveStreamer:Tokens:0:Name=lab", "--set", "Ingress:EveStreamer:Tokens:0:Token=change-me");

        AssertOneErrorLine(run, $"error: cannot listen on 127.0.0.1:{port} for the eve-streamer gRPC ingress: the address is already in use");
        Assert.Contains("set Ingress:EveStreamer:Port to a free port", run.Stderr);
    }

    [Fact]
    public async Task A_missing_capture_file_is_reported_before_the_node_starts()
    {
        var missing = Path.Combine(_dir, "nothere.pcap");

        var run = await ControlNodeProcess.RunAsync(Timeout, "run", "--pcap", missing, "--set", "Management:Port=0",
            "--set", $"Persistence:ConnectionString=Data Source={JournalPath}", "--set", $"Mcp:PcapDirectory={_dir}");

        AssertOneErrorLine(run, $"error: capture file not found: {missing}");
        Assert.Equal(string.Empty, run.Stdout); // no health banner: nothing started
        Assert.False(File.Exists(JournalPath), "the journal was opened before the capture file was checked");
    }

    private static void AssertOneErrorLine(ControlNodeProcess.Result run, string expectedStart)
    {
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}; stderr: {run.Stderr}");
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expectedStart, line);
        Assert.DoesNotContain("Exception", line);
    }

    /// <summary>A listening socket on a loopback port nobody else has, as another program would hold it.</summary>
    private static TcpListener Occupy(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }
}
