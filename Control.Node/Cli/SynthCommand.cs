using System.CommandLine;
using NerfEngine.Control.Scenarios;
using Spectre.Console;

namespace NerfEngine.Control.Cli;

/// <summary><c>Control.Node synth --scenario NAME --seed N --out FILE.pcap</c>: the labelled scenario corpus.</summary>
public static class SynthCommand
{
    public static Command Create()
    {
        var scenario = new Option<string>("--scenario")
        {
            Description = $"Scenario: {string.Join(", ", ScenarioCatalog.All.Select(s => s.Name))}.",
            Required = true,
        };
        var seed = new Option<int>("--seed") { Description = "Random seed; same seed, same bytes.", DefaultValueFactory = _ => 1 };
        var output = new Option<FileInfo>("--out") { Description = "Pcap file to write (FILE.truth.json is written beside it).", Required = true };
        var noBackground = new Option<bool>("--no-background") { Description = "Do not embed the scenario in browsing background traffic." };
        var list = new Command("list", "List the scenarios.");
        list.SetAction(_ =>
        {
            var table = new Table().AddColumn("scenario").AddColumn("kind").AddColumn("what");
            foreach (var s in ScenarioCatalog.All) table.AddRow(s.Name, s.Benign ? "benign" : "[red]attack[/]", Markup.Escape(s.Description));
            AnsiConsole.Write(table);
            return 0;
        });

        var command = new Command("synth", "Write a labelled scenario as a pcap plus a ground-truth JSON sidecar.") { scenario, seed, output, noBackground, list };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(output)!.FullName;
            var truth = ScenarioCatalog.Write(parse.GetValue(scenario)!, parse.GetValue(seed), path, !parse.GetValue(noBackground));
            AnsiConsole.MarkupLine($"wrote [bold]{Markup.Escape(path)}[/]: {truth.Packets} packets, scenario {truth.Scenario}, seed {truth.Seed}, " +
                                   $"{(truth.Benign ? "benign" : $"{truth.Attacks.Count} attack(s): {string.Join(", ", truth.Attacks.Select(a => a.Verdict))}")}");
            AnsiConsole.MarkupLine($"ground truth: {Markup.Escape(GroundTruth.SidecarPath(path))}");
            return 0;
        });
        return command;
    }
}
