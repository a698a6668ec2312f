using System.Text.Json.Nodes;
using NerfEngine.Control.Scenarios;
using NerfEngine.Tests.ControlNode.Mcp.Support;
using NerfEngine.Tests.ControlNode.Support;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace NerfEngine.Tests.ControlNode.Transport;

/// <summary>
/// The multi-VM deployment on one host, with the real executables and the real RabbitMQ
/// (<c>NERF_TEST_RABBITMQ</c>, default the local broker of scripts/setup-rabbitmq.sh; unreachable fails, never skips):
/// <c>Control.Node run</c> consuming <c>Transport:Kind=rabbitmq</c>, <c>Sensor.Node replay</c> of a labelled scenario
/// publishing to it, and the control node's graph and autopilot seeing the scenario. Each run has its own exchange
/// and queues, deleted afterwards.
/// </summary>
public sealed class SensorToControlOverRabbitMqTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Scenario = "vertical-scan";
    private const int PartitionCount = 4;
    private static readonly TimeSpan ConsumeTimeout = TimeSpan.FromSeconds(60);

    private readonly string _dir = Directory.CreateTempSubdirectory("nerf-sensor-rabbitmq-").FullName;
    private readonly string _exchange = $"nerf.test.{Guid.NewGuid():N}";
    private readonly string _token = $"ops-{Guid.NewGuid():N}";

    private static string BrokerUri =>
        Environment.GetEnvironmentVariable("NERF_TEST_RABBITMQ") is { Length: > 0 } configured ? configured : "amqp://guest:guest@127.0.0.1:5672/";

    private string[] TransportSettings =>
    [
        "--set", "Transport:Kind=rabbitmq", "--set", $"Transport:RabbitMq:Uri={BrokerUri}",
        "--set", $"Transport:RabbitMq:Exchange={_exchange}", "--set", $"Transport:RabbitMq:PartitionCount={PartitionCount}",
    ];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        var factory = new ConnectionFactory { Uri = new Uri(BrokerUri) };
        await using IConnection connection = await factory.CreateConnectionAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        for (int p = 0; p < PartitionCount; p++)
        {
            await channel.QueueDeleteAsync($"{_exchange}.p{p}", ifUnused: false, ifEmpty: false);
        }

        await channel.ExchangeDeleteAsync(_exchange, ifUnused: false);
    }

    [Fact]
    public async Task A_sensor_replay_published_to_RabbitMQ_reaches_the_control_node_and_raises_the_scenario_card()
    {
        string pcap = Path.Combine(_dir, $"{Scenario}.pcap");
        GroundTruth truth = ScenarioCatalog.Write(Scenario, seed: 1, pcap);
        await using var node = await ControlNodeServer.StartAsync(_dir,
        [
            "--set", "Management:Hostname=127.0.0.1", "--set", "Management:Port=0",
            "--set", "Mcp:Agents:0:Name=ops", "--set", $"Mcp:Agents:0:Token={_token}", "--set", "Mcp:Agents:0:Mode=admin",
            .. TransportSettings,
        ]);
        using var mcp = new McpHttp(node.McpUrl);
        Assert.Equal(0, await EdgeCountAsync(mcp));

        var replay = await RunSensorAsync(["replay", "--pcap", pcap, "--json", .. TransportSettings]);
        output.WriteLine(replay.Stderr);
        Assert.True(replay.ExitCode == 0, $"Sensor.Node replay failed ({replay.ExitCode}): {replay.Stderr}\n{replay.Stdout}");
        JsonNode summary = JsonNode.Parse(replay.Stdout)!;
        JsonNode transport = summary["transport"]!;
        output.WriteLine(transport.ToJsonString());
        Assert.Equal("rabbitmq", transport["kind"]!.GetValue<string>());
        long published = transport["published"]!.GetValue<long>();
        Assert.True(published > 0, transport.ToJsonString());
        Assert.Equal(published, transport["confirmed"]!.GetValue<long>());
        Assert.Equal(0, transport["dropped"]!.GetValue<long>());
        Assert.Null(summary["publishing"]!["edges_delivered"]); // no local consumer: the control node takes the batches
        long edgesPublished = summary["publishing"]!["edges_published"]!.GetValue<long>();

        // The control node consumes every batch: its graph holds the edges and its autopilot raised the scenario's card.
        JsonObject? status = null;
        var deadline = DateTime.UtcNow + ConsumeTimeout;
        while (DateTime.UtcNow < deadline)
        {
            status = await CallAsync(mcp, "graphops_autopilot_status");
            if (status["counters"]!["received"]!.GetValue<long>() > 0 && await EdgeCountAsync(mcp) > 0)
            {
                break;
            }

            await Task.Delay(250);
        }

        Assert.True(await EdgeCountAsync(mcp) > 0, $"no edges reached the control node ({edgesPublished} published). Node output:\n{node.Output}");
        Assert.True(status!["counters"]!["received"]!.GetValue<long>() > 0, $"no card: {status.ToJsonString()}\nNode output:\n{node.Output}");
        var card = await CallAsync(mcp, "graphops_format_card");
        output.WriteLine(card["card"]!.ToJsonString());
        Assert.Equal(("scanner", "vertical"), (card["card"]!["pattern"]!.GetValue<string>(), card["card"]!["shape"]!.GetValue<string>()));
        string attacker = Assert.Single(truth.Attacks).Attackers[0];
        Assert.Equal(attacker, card["card"]!["subject"]!["address"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unreachable_broker_is_one_error_line_and_exit_code_2()
    {
        string pcap = Path.Combine(_dir, $"{Scenario}.pcap");
        ScenarioCatalog.Write(Scenario, seed: 1, pcap);
        var replay = await RunSensorAsync(
        [
            "replay", "--pcap", pcap, "--set", "Transport:Kind=rabbitmq",
            "--set", "Transport:RabbitMq:Uri=amqp://guest:guest@127.0.0.1:1/", "--set", "Transport:RabbitMq:ConnectTimeout=00:00:03",
        ]);
        Assert.Equal(2, replay.ExitCode);
        string line = Assert.Single(replay.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains("Transport:RabbitMq:Uri", line, StringComparison.Ordinal);
        Assert.DoesNotContain("guest:guest", line, StringComparison.Ordinal);
    }

    private static Task<ExternalProcess.Result> RunSensorAsync(string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Sensor.Node.dll");
        Assert.True(File.Exists(dll), $"Sensor.Node.dll not found beside the tests at {dll}");
        return ExternalProcess.RunAsync(null, TimeSpan.FromMinutes(2), new Dictionary<string, string> { ["NO_COLOR"] = "1" }, "dotnet", [dll, .. args]);
    }

    private async Task<JsonObject> CallAsync(McpHttp mcp, string tool, JsonObject? args = null)
    {
        var reply = await mcp.CallToolAsync(tool, args, _token);
        Assert.True(reply.Structured is not null && !reply.IsToolError, $"{tool}: {reply.Body}");
        return reply.Structured!;
    }

    private async Task<long> EdgeCountAsync(McpHttp mcp) =>
        (await CallAsync(mcp, "get_engine_metrics"))["graph"]!["edges"]!.GetValue<long>();
}
