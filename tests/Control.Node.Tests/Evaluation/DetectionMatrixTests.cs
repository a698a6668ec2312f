using NerfEngine.Control.Evaluation;
using NerfEngine.Control.Scenarios;
using Xunit.Abstractions;

namespace NerfEngine.Tests.ControlNode.Evaluation;

/// <summary>
/// The detection matrix over the labelled corpus, end to end through pcap → flows → edges →
/// detectors → autopilot: every attack reported at alert tier within 1 s of its onset in at least
/// 95% of 20 seeds, and no alert-tier card on any benign scenario.
/// </summary>
public sealed class DetectionMatrixTests(ITestOutputHelper output)
{
    public const int Seeds = 20;

    public static TheoryData<string> Scenarios() => new(ScenarioCatalog.All.Where(s => s.Name != "demo").Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_meets_its_detection_target_over_20_seeds(string scenario)
    {
        var row = Assert.Single(await DetectionMatrix.RunAsync([scenario], Seeds, progress: new Progress<ScenarioRunResult>(r =>
        {
            foreach (var card in r.FalseAlerts) output.WriteLine($"seed {r.Seed}: false alert {card.Title} ({card.Confidence:F2})");
            foreach (var miss in r.Attacks.Where(a => !a.Detected)) output.WriteLine($"seed {r.Seed}: missed {miss.Attack.Verdict} (latency {miss.LatencySeconds})");
        })));

        Assert.Equal(Seeds, row.Runs);
        Assert.Equal(0, row.FalseAlertCards);
        if (!row.Benign)
        {
            Assert.True(row.TruePositiveRate >= DetectionMatrix.TargetTruePositiveRate, $"TPR {row.TruePositiveRate:F2} over {row.Attacks} attacks");
            Assert.True(row.MaxLatencySeconds <= ScenarioRun.ReportDeadline.TotalSeconds, $"max latency {row.MaxLatencySeconds} s");
        }
    }
}
