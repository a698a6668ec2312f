using System.Net;
using System.Net.Sockets;
using NerfEngine.Control.Copilot;
using NerfEngine.Control.Copilot.Agent;
using NerfEngine.Control.Copilot.Dsl;
using NerfEngine.Control.Copilot.Ollama;
using NerfEngine.Tests.ControlNode.Support;
using Xunit.Abstractions;

namespace NerfEngine.Tests.ControlNode.Copilot;

/// <summary>
/// The bundled demo capture (scenario "demo", seed 1, as scripts/demo.sh makes it) replayed through the real pipeline,
/// then investigated without a model, as graphops_investigate does when Ollama is not running.
/// </summary>
public sealed class DemoInvestigationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string BrowsingClient = "10.10.20.10";
    private const string FlashCrowdEdge = "10.10.0.90";
    private ReplayedScenario _demo = null!;

    public async Task InitializeAsync() => _demo = await ReplayedScenario.StartAsync("demo", seed: 1);

    public async Task DisposeAsync() => await _demo.DisposeAsync();

    private (string Scanner, string Target) Scan()
    {
        var scan = _demo.Truth.Attacks.Single(a => a.Verdict == "scanner");
        return (scan.Attackers[0], scan.Targets[0]);
    }

    private async Task<InvestigationReport> InvestigateWithoutModelAsync(string question)
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        int port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var options = new CopilotOptions { OllamaBaseUrl = new Uri($"http://127.0.0.1:{port}/"), ModelTimeout = TimeSpan.FromSeconds(5) };
        using var client = new OllamaClient(options);
        var report = await new InvestigationAgent(client, new DslExecutor(_demo.Engine, options), options).InvestigateAsync(question);
        foreach (var step in report.DeterministicFindings) output.WriteLine($"{step.Step}: {step.Summary}");
        return report;
    }

    [Fact]
    public async Task The_scanner_question_scores_the_scanner_high_from_its_port_spread_and_its_card()
    {
        var (scanner, target) = Scan();

        var report = await InvestigateWithoutModelAsync($"Is {scanner} scanning {target}?");
        var steps = report.DeterministicFindings.Select(s => s.Step).ToList();

        Assert.Equal(StopReason.ModelUnavailable, report.StopReason);
        Assert.Equal($"FOCUS {scanner}", steps[0]);
        Assert.Contains("ANALYZE port_spread", steps);
        Assert.DoesNotContain("ANALYZE fanin", steps);
        Assert.True(report.DeterministicConfidence >= 0.9, $"confidence {report.DeterministicConfidence}");
        var assess = report.DeterministicFindings[^1].Data;
        Assert.True(assess["source_pattern"]!.GetValue<double>() >= 0.8, "the graph alone shows the scan");
        Assert.True(assess["detector"]!.GetValue<double>() >= 0.9, "the scanner card is read");
    }

    [Fact]
    public async Task The_analysts_source_plan_scores_the_scanner_high()
    {
        var (scanner, _) = Scan();
        var results = await new DslExecutor(_demo.Engine).ExecuteTextAsync(new InvestigationSession(), $"FOCUS {scanner}; WINDOW 5m; ANALYZE fanout; ANALYZE port_spread; ASSESS");

        Assert.True(results[^2].Data["value"]!.GetValue<double>() >= 100, results[^2].Summary);
        Assert.True(results[^1].Data["confidence"]!.GetValue<double>() >= 0.8, results[^1].Summary);
    }

    [Theory]
    [InlineData("lateral", "source")]
    [InlineData("botnet_coordination", "destination")]
    public async Task Other_attacks_are_investigated_from_the_right_side(string verdict, string role)
    {
        var attack = _demo.Truth.Attacks.First(a => a.Verdict == verdict);
        string host = (role == "source" ? attack.Attackers[0] : attack.Targets[0]).Split(':')[0];

        var report = await InvestigateWithoutModelAsync($"What is happening around {host}?");

        Assert.Equal(role, report.DeterministicFindings[0].Data["role"]!.GetValue<string>());
        Assert.True(report.DeterministicConfidence >= 0.8, $"confidence {report.DeterministicConfidence}");
    }

    [Theory]
    [InlineData(BrowsingClient, "source")]
    [InlineData(FlashCrowdEdge, "destination")]
    public async Task A_benign_host_stays_low(string host, string role)
    {
        var report = await InvestigateWithoutModelAsync($"Is {host} doing anything bad?");

        Assert.Equal(role, report.DeterministicFindings[0].Data["role"]!.GetValue<string>());
        Assert.True(report.DeterministicConfidence < 0.6, $"confidence {report.DeterministicConfidence}");
    }
}
