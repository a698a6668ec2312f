using NerfEngine.Control.Copilot;
using NerfEngine.Control.Copilot.Agent;
using NerfEngine.Control.Copilot.Dsl;
using NerfEngine.Control.Copilot.Entities;
using NerfEngine.Control.Copilot.Ollama;

namespace NerfEngine.Tests.ControlNode.Copilot;

/// <summary>
/// Analyses for a source on the known graph with its scanner (192.0.2.66 probing 60 database ports): FOCUS tells the
/// role, fanout and port_spread measure the spread, ASSESS weighs them, and the model-less plan picks them by role.
/// </summary>
public sealed class SourceAnalysisTests : IAsyncLifetime
{
    private KnownGraph _graph = null!;
    private DslExecutor _executor = null!;
    private readonly CopilotOptions _options = new();

    public async Task InitializeAsync()
    {
        _graph = await KnownGraph.StartAsync(withScanner: true);
        _executor = new DslExecutor(_graph.Engine, _options);
    }

    public async Task DisposeAsync() => await _graph.DisposeAsync();

    private async Task<IReadOnlyList<DslStepResult>> Run(string text) => await _executor.ExecuteTextAsync(new InvestigationSession(), text);

    [Theory]
    [InlineData(KnownGraph.Scanner, "source")]
    [InlineData(KnownGraph.Admin, "source")]
    [InlineData(KnownGraph.Victim, "destination")]
    [InlineData("10.99.0.1", "unknown")]
    public async Task Focus_reports_whether_a_node_mostly_sends_or_receives(string node, string role)
    {
        var r = (await Run($"FOCUS {node}"))[0];

        Assert.Equal(role, r.Data["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task Port_spread_and_fanout_count_the_ports_hosts_and_probes_of_a_scanner()
    {
        var r = await Run($"FOCUS {KnownGraph.Scanner}\nANALYZE port_spread\nANALYZE fanout");
        var spread = r[1].Data;
        var fanout = r[2].Data;

        Assert.Equal(KnownGraph.ScannedPorts, spread["value"]!.GetValue<double>());
        Assert.Equal(KnownGraph.ScannedPorts, spread["most_ports_on_one_destination"]!.GetValue<int>());
        Assert.Equal(1.0, spread["probe_share"]!.GetValue<double>());
        Assert.Equal(1.0, fanout["value"]!.GetValue<double>());
        Assert.Equal((KnownGraph.ScannedPorts, KnownGraph.ScannedPorts), (fanout["distinct_ports"]!.GetValue<int>(), fanout["services"]!.GetValue<int>()));
        Assert.Contains("60 distinct destination ports", r[1].Summary);
    }

    [Fact]
    public async Task Assess_scores_a_vertical_scanner_high_and_a_single_admin_session_low()
    {
        var scanner = await Run($"FOCUS {KnownGraph.Scanner}\nWINDOW 5m\nANALYZE fanout\nANALYZE port_spread\nASSESS");
        var admin = await Run($"FOCUS {KnownGraph.Admin}\nANALYZE fanout\nANALYZE port_spread\nASSESS");

        Assert.True(scanner[^1].Data["confidence"]!.GetValue<double>() >= 0.9, scanner[^1].Summary);
        Assert.NotNull(scanner[^1].Data["source_pattern"]);
        Assert.True(admin[^1].Data["confidence"]!.GetValue<double>() < 0.1, admin[^1].Summary);
    }

    [Fact]
    public void Assess_rule_keeps_fan_in_scores_and_lets_a_detector_finding_corroborate_but_not_decide()
    {
        var fanIn = new Dictionary<string, double> { ["fanin"] = 12, ["temporal_sync"] = 1, ["degree_delta"] = 12, ["timing_cluster_share"] = 1 };
        var busyClient = new Dictionary<string, double> { ["fanout"] = 50, ["port_spread"] = 2, ["probe_share"] = 0 };
        var findingOnly = new Dictionary<string, double> { ["detector"] = 0.99 };

        Assert.Equal(0.71, ThreatAssessment.Assess(fanIn, _options).Confidence, 6); // (0.24 + 1 + 0.6 + 1) / 4 × 1
        Assert.Equal(0.5, ThreatAssessment.Assess(busyClient, _options).Confidence, 6);
        Assert.Equal(0.495, ThreatAssessment.Assess(findingOnly, _options).Confidence, 6);
        Assert.Equal(0.6775, ThreatAssessment.Assess(new Dictionary<string, double>(busyClient) { ["detector"] = 0.71 }, _options).Confidence, 6); // 1 − 0.5 × (1 − 0.355)
    }

    [Theory]
    [InlineData(KnownGraph.Scanner, new[] { "ANALYZE fanout", "ANALYZE port_spread" }, new[] { "ANALYZE fanin", "ANALYZE temporal_sync" })]
    [InlineData(KnownGraph.Victim, new[] { "ANALYZE fanin", "ANALYZE temporal_sync", "CLUSTER timing" }, new[] { "ANALYZE fanout", "ANALYZE port_spread" })]
    public async Task The_model_less_plan_chooses_analyses_by_the_focus_role(string focus, string[] run, string[] skipped)
    {
        var agent = new InvestigationAgent(new OllamaClient(_options), _executor, _options);
        var (results, confidence) = await agent.RunDeterministicAsync(new EntityExtractor().Extract($"Is {focus} involved?"));
        var steps = results.Select(r => r.Step).ToList();

        Assert.Equal($"FOCUS {focus}", steps[0]);
        Assert.All(run, s => Assert.Contains(s, steps));
        Assert.All(skipped, s => Assert.DoesNotContain(s, steps));
        Assert.Equal(["ANALYZE detections", "ASSESS"], steps[^2..]);
        Assert.All(results, r => Assert.True(r.Ok, r.Summary));
        Assert.True(confidence >= 0.6, $"confidence {confidence}");
    }
}
