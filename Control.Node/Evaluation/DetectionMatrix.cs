using NerfEngine.Control.Engine;
using NerfEngine.Control.Scenarios;

namespace NerfEngine.Control.Evaluation;

/// <summary>One row of the matrix: a scenario over many seeds.</summary>
public sealed record MatrixRow(string Scenario, bool Benign, int Runs, int Attacks, int Detected, int FalseAlertCards, double? MeanLatencySeconds, double? MaxLatencySeconds)
{
    public double TruePositiveRate => Attacks == 0 ? 1 : (double)Detected / Attacks;
}

/// <summary>
/// The detection matrix: every scenario of the corpus over N seeds. Targets (the acceptance bar):
/// true-positive rate ≥ 0.95 for every attack scenario and zero alert-tier cards on benign ones.
/// </summary>
public static class DetectionMatrix
{
    public const double TargetTruePositiveRate = 0.95;

    public static async Task<IReadOnlyList<MatrixRow>> RunAsync(
        IEnumerable<string> scenarios, int seeds, EngineOptions? options = null, IProgress<ScenarioRunResult>? progress = null, CancellationToken ct = default)
    {
        var work = Directory.CreateTempSubdirectory("nerf-matrix-").FullName;
        try
        {
            var rows = new List<MatrixRow>();
            foreach (var scenario in scenarios)
            {
                var runs = new List<ScenarioRunResult>();
                for (var seed = 1; seed <= seeds; seed++)
                {
                    var run = await ScenarioRun.RunAsync(scenario, seed, work, options, ct);
                    progress?.Report(run);
                    runs.Add(run);
                }
                rows.Add(Summarise(scenario, runs));
            }
            return rows;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    public static MatrixRow Summarise(string scenario, IReadOnlyList<ScenarioRunResult> runs)
    {
        var attacks = runs.SelectMany(r => r.Attacks).ToList();
        var latencies = attacks.Where(a => a.Detected).Select(a => a.LatencySeconds!.Value).ToList();
        return new MatrixRow(scenario, ScenarioCatalog.Get(scenario).Benign, runs.Count, attacks.Count, attacks.Count(a => a.Detected),
            runs.Sum(r => r.FalseAlerts.Count), latencies.Count > 0 ? latencies.Average() : null, latencies.Count > 0 ? latencies.Max() : null);
    }

    /// <summary>True when every row meets its target.</summary>
    public static bool MeetsTargets(IEnumerable<MatrixRow> rows) =>
        rows.All(r => r.Benign ? r.FalseAlertCards == 0 : r.TruePositiveRate >= TargetTruePositiveRate && r.FalseAlertCards == 0);
}
