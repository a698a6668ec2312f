using NerfEngine.Tests.ControlNode.Support;

namespace NerfEngine.Tests.ControlNode.Deploy;

/// <summary>
/// The example multi-VM configuration (deploy/config/control.json) is what an operator copies: it must bind and pass
/// every section's validation. Only what cannot exist here is overridden (the PostgreSQL host, public listen addresses).
/// </summary>
public sealed class DeployConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nerf-deploy-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Control_json_starts_a_node_with_its_ingress_and_live_ingest_settings()
    {
        var config = Path.Combine(ExternalProcess.RepoRoot(), "deploy", "config", "control.json");
        var result = await ControlNodeProcess.RunAsync(TimeSpan.FromSeconds(90),
            "run", "--once", "--config", config,
            "--set", "Persistence:Provider=sqlite", "--set", $"Persistence:ConnectionString=Data Source={Path.Combine(_dir, "journal.db")}",
            "--set", "Management:Hostname=127.0.0.1", "--set", "Management:Port=0",
            "--set", "Ingress:EveStreamer:Hostname=127.0.0.1", "--set", "Ingress:EveStreamer:Port=0",
            // control.json consumes edge batches from RabbitMQ (mq.example.internal); here the in-process transport.
            "--set", "Transport:Kind=inprocess");

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        Assert.Contains("eve-streamer gRPC ingress: /eve_streamer.EventStreamer/StreamEvents on h2c 127.0.0.1:", result.Stdout + result.Stderr);
        Assert.Contains("1 shipper token(s)", result.Stdout + result.Stderr);
    }
}
