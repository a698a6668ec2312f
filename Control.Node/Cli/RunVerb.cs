using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Embedded;
using NerfEngine.Control.Engine;
using NerfEngine.Control.Mcp;
using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Shared.Fabric.Hosting;
using NerfEngine.Shared.Fabric.Transport;
using Spectre.Console;

namespace NerfEngine.Control.Cli;

/// <summary>
/// <c>Control.Node run [--pcap FILE [--speed max|1x|F] [--serve]]</c>: the embedded all-in-one
/// node. With a capture file it replays it through sensor → detectors → autopilot and prints
/// event cards as they fire, then a summary.
/// </summary>
public static class RunVerb
{
    private static readonly Option<FileInfo?> Pcap = new("--pcap") { Description = "Capture file (pcap or pcapng) to replay through the whole pipeline." };
    private static readonly Option<string> Speed = new("--speed") { Description = "Replay pacing: max, 1x, or a factor such as 2.5.", DefaultValueFactory = _ => "max" };
    private static readonly Option<bool> Serve = new("--serve") { Description = "Keep serving management HTTP after the replay (Ctrl+C to stop)." };

    public static Command Create() => NodeRunCommand.Create(
        "control",
        "Run the embedded control node (no servers needed): management HTTP on port 8558, graph engine, detectors, autopilot.",
        configure: (builder, _) => builder.Services.AddEmbeddedEngine(builder.Configuration).AddEmbeddedControlPlane(builder.Configuration),
        mapRoutes: app => app.MapNerfMcp(),
        work: RunAsync,
        extraOptions: [Pcap, Speed, Serve]);

    private static async Task<int> RunAsync(WebApplication app, ParseResult parse, CancellationToken ct)
    {
        var engine = app.Services.GetRequiredService<GraphEngine>();
        // Resolving the copilot attaches it to the sentinel: Tier-3 cards wake it from here on.
        var copilot = app.Services.GetRequiredService<NerfEngine.Control.Copilot.CopilotInvestigator>();
        var transport = app.Services.GetRequiredService<IEdgeBatchTransport>();
        await using var subscription = await engine.SubscribeAsync(transport, ct);
        var file = parse.GetValue(Pcap);
        if (file is null)
        {
            if (parse.GetValue(NodeRunCommand.Once)) return 0;
            AnsiConsole.MarkupLine("[grey]Serving; press Ctrl+C to stop.[/]");
            await app.WaitForShutdownAsync(ct);
            return 0;
        }
        if (!file.Exists) throw new FileNotFoundException($"capture file not found: {file.FullName}", file.FullName);

        var speed = ReplaySpeed.Parse(parse.GetValue(Speed)!);
        var feed = app.Services.GetRequiredService<EventCardFeed>();
        using var printer = feed.Subscribe(card => EventCardRenderer.Render(AnsiConsole.Console, card));
        AnsiConsole.MarkupLine($"replaying [bold]{Markup.Escape(file.FullName)}[/] at speed {Markup.Escape(speed.ToString())} …");
        var job = new PcapReplayJob(engine, transport, feed);
        var result = await job.RunAsync(file.FullName, speed, ct);
        var counters = await engine.QueryAsync(core => core.Sentinel.Counters, ct);
        RenderSummary(result, counters);
        AnsiConsole.MarkupLine($"[grey]copilot: {copilot.Queued} Tier-3 investigation(s) queued, {copilot.Completed} completed, {copilot.Dropped} dropped[/]");
        if (parse.GetValue(Serve))
        {
            AnsiConsole.MarkupLine("[grey]Replay done; serving; press Ctrl+C to stop.[/]");
            await app.WaitForShutdownAsync(ct);
        }
        return result.Replay.Completed ? 0 : 1;
    }

    private static void RenderSummary(PcapReplayResult r, AutopilotCounters c)
    {
        var table = new Table().Title("[bold]replay summary[/]").AddColumn("stage").AddColumn(new TableColumn("count").RightAligned());
        table.AddRow("packets read", r.Replay.PacketsRead.ToString("N0"));
        table.AddRow("parse errors", r.Replay.Capture.ParseErrors.ToString("N0"));
        table.AddRow("edges emitted (sensor)", r.Replay.Flows.TotalEdges.ToString("N0"));
        table.AddRow("batches published / dropped", $"{r.Replay.Publishing.BatchesPublished:N0} / {r.Replay.Publishing.BatchesDropped:N0}");
        table.AddRow("edges applied (detectors)", r.EdgesApplied.ToString("N0"));
        table.AddRow("detections received", c.Received.ToString("N0"));
        table.AddRow("discarded / observed / suggested", $"{c.Discarded:N0} / {c.Observed:N0} / {c.Suggested:N0}");
        table.AddRow("alert-tier / autonomous-tier cards", $"{c.Alerted:N0} / {c.Autonomous:N0}");
        table.AddRow("deduplicated / cooled down", $"{c.Deduplicated:N0} / {c.CooledDown:N0}");
        table.AddRow("wall time", $"{r.Replay.Elapsed.TotalSeconds:F2} s");
        AnsiConsole.Write(table);
        if (r.Replay.Error is { } error) AnsiConsole.MarkupLine($"[red]replay stopped early:[/] {Markup.Escape(error)}");
        if (r.Replay.Warning is { } warning) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
    }
}
