using System.CommandLine;
using NerfEngine.Control.Embedded;
using NerfEngine.Control.Evaluation;
using NerfEngine.Control.Scenarios;
using NerfEngine.Shared.Fabric.Hosting;
using Spectre.Console;

namespace NerfEngine.Control.Cli;

/// <summary><c>Control.Node matrix [--seeds 20] [--scenario NAME …]</c>: the detection matrix over the labelled corpus.</summary>
public static class MatrixCommand
{
    public static Command Create()
    {
        var seeds = new Option<int>("--seeds") { Description = "Seeds per scenario.", DefaultValueFactory = _ => 20 };
        var scenarios = new Option<string[]>("--scenario") { Description = "Scenarios to run (default: every attack and benign scenario except the demo mix).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("matrix", "Replay every labelled scenario over many seeds and print true-positive rates and false alerts.") { seeds, scenarios };
        CommonOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var names = parse.GetValue(scenarios) is { Length: > 0 } chosen
                ? chosen
                : ScenarioCatalog.All.Where(s => s.Name != "demo").Select(s => s.Name).ToArray();
            var n = parse.GetValue(seeds);
            if (n < 1) throw new ArgumentException("--seeds must be at least 1");
            var progress = new Progress<ScenarioRunResult>(r => AnsiConsole.MarkupLine(
                $"[grey]{Markup.Escape(r.Scenario)} seed {r.Seed}: {r.Attacks.Count(a => a.Detected)}/{r.Attacks.Count} reported, {r.FalseAlerts.Count} false alert card(s)[/]"));
            // Detector thresholds and autopilot settings come from the same configuration `run` uses.
            var options = EmbeddedEngineServices.ReadEngineOptions(NodeHost.BuildConfiguration(CommonOptions.Overrides(parse)));
            var rows = await DetectionMatrix.RunAsync(names, n, options, progress, ct);
            Render(rows);
            var ok = DetectionMatrix.MeetsTargets(rows);
            AnsiConsole.MarkupLine(ok ? "[green]all targets met[/]" : "[red]targets missed[/]");
            return ok ? 0 : 1;
        });
        return command;
    }

    public static void Render(IReadOnlyList<MatrixRow> rows)
    {
        var table = new Table().Title("[bold]detection matrix[/]")
            .AddColumn("scenario").AddColumn("kind").AddColumn(new TableColumn("runs").RightAligned())
            .AddColumn(new TableColumn("TPR").RightAligned()).AddColumn(new TableColumn("false alert cards").RightAligned())
            .AddColumn(new TableColumn("mean / max latency").RightAligned());
        foreach (var r in rows)
        {
            table.AddRow(r.Scenario, r.Benign ? "benign" : "attack", r.Runs.ToString(),
                r.Benign ? "-" : $"{r.TruePositiveRate:F2}", r.FalseAlertCards.ToString(),
                r.MeanLatencySeconds is { } mean ? $"{mean:F2} s / {r.MaxLatencySeconds:F2} s" : "-");
        }
        AnsiConsole.Write(table);
    }
}
