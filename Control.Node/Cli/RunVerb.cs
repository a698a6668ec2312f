using System.CommandLine;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Analysis;
using NerfEngine.Control.Autonomy.Execution;
using NerfEngine.Control.Autonomy.Status;
using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Embedded;
using NerfEngine.Control.Engine;
using NerfEngine.Control.Ingress.EveStreamer;
using NerfEngine.Control.Mcp;
using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Hosting;
using NerfEngine.Shared.Fabric.Transport;
using Spectre.Console;

namespace NerfEngine.Control.Cli;

/// <summary>
/// <c>Control.Node run [--pcap FILE [--speed max|1x|F] [--serve]]</c>: the embedded all-in-one
/// node. With a capture file it replays it through sensor → detectors → autopilot and prints
/// event cards as they fire, then a summary, including what the autonomy executor decided about the analyst's
/// proposals for those cards.
/// </summary>
public static class RunVerb
{
    private static readonly Option<FileInfo?> Pcap = new("--pcap") { Description = "Capture file (pcap or pcapng) to replay through the whole pipeline." };
    private static readonly Option<string> Speed = new("--speed") { Description = "Replay pacing: max, 1x, or a factor such as 2.5.", DefaultValueFactory = _ => "max" };
    private static readonly Option<bool> Serve = new("--serve") { Description = "Keep serving management HTTP after the replay (Ctrl+C to stop)." };

    public static Command Create() => NodeRunCommand.Create(
        "control",
        "Run the embedded control node (no servers needed): management HTTP on port 8558, graph engine, detectors, autopilot.",
        configure: (builder, parse) =>
        {
            CheckReplayArguments(parse);
            builder.Services.AddEmbeddedEngine(builder.Configuration).AddEmbeddedControlPlane(builder.Configuration)
                .AddEveStreamerIngress(builder.Configuration);
            builder.Services.AddSingleton<INodeBannerRows, ControlNodeBannerRows>();
        },
        mapRoutes: app =>
        {
            app.MapNerfMcp();
            app.UseEveStreamerIngress();
        },
        work: RunAsync,
        extraOptions: [Pcap, Speed, Serve]);

    /// <summary>A missing capture or a bad --speed is an input error: reported before the journal opens or anything listens.</summary>
    private static void CheckReplayArguments(ParseResult parse)
    {
        if (parse.GetValue(Pcap) is not { } file)
        {
            return;
        }

        if (!file.Exists) throw new FileNotFoundException($"capture file not found: {file.FullName}", file.FullName);
        ReplaySpeed.Parse(parse.GetValue(Speed)!);
    }

    private static async Task<int> RunAsync(WebApplication app, ParseResult parse, CancellationToken ct)
    {
        var engine = app.Services.GetRequiredService<GraphEngine>();
        // Resolving the copilot attaches it to the sentinel: Tier-3 cards wake it from here on.
        var copilot = app.Services.GetRequiredService<NerfEngine.Control.Copilot.CopilotInvestigator>();
        // Resolving the analyst feed subscribes it to the cards: from here on each card becomes an analyst proposal.
        var analystFeed = app.Services.GetService<AnalystFeed>();
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
        var speed = ReplaySpeed.Parse(parse.GetValue(Speed)!);
        var feed = app.Services.GetRequiredService<EventCardFeed>();
        using var printer = feed.Subscribe(card => EventCardRenderer.Render(AnsiConsole.Console, card));
        AnsiConsole.MarkupLine($"replaying [bold]{Markup.Escape(file.FullName)}[/] at speed {Markup.Escape(speed.ToString())} …");
        var job = new PcapReplayJob(engine, transport, feed);
        var result = await job.RunAsync(file.FullName, speed, ct);
        var counters = await engine.QueryAsync(core => core.Sentinel.Counters, ct);
        var autonomy = await ReadAutonomyAsync(app, analystFeed, ct);
        RenderSummary(result, counters, autonomy);
        RenderAutonomyNote(app, autonomy);
        RenderInvestigations(copilot);
        if (parse.GetValue(Serve))
        {
            AnsiConsole.MarkupLine("[grey]Replay done; serving; press Ctrl+C to stop.[/]");
            await app.WaitForShutdownAsync(ct);
        }
        return result.Replay.Completed ? 0 : 1;
    }

    /// <summary>What the executor decided about the analyst's proposals once they are all decided; null when the feed is off.</summary>
    private static async Task<AutonomyOutcome?> ReadAutonomyAsync(WebApplication app, AnalystFeed? feed, CancellationToken ct)
    {
        if (feed is null) return null;
        var counts = await feed.DrainAsync(ct);
        var executor = app.Services.GetRequiredService<IActorRef<ExecutorCommand>>();
        var status = await executor.Ask<AutonomyStatus>(r => new GetStatus(r), feed.Options.DrainTimeout, ct);
        app.Services.GetRequiredService<ILogger<AnalystFeed>>().LogInformation("{Autonomy}", counts.Describe());
        return new AutonomyOutcome(counts, status);
    }

    private static void RenderAutonomyNote(WebApplication app, AutonomyOutcome? autonomy)
    {
        if (autonomy is null)
        {
            AnsiConsole.MarkupLine("[grey]autonomy: analyst feed disabled (Autonomy:AnalystFeed:Enabled=false); cards were not proposed on[/]");
            return;
        }

        var id = app.Services.GetRequiredService<AutonomyOptions>().ExecutorPersistenceId;
        AnsiConsole.MarkupLine($"[grey]autonomy: every decision is in the journal: Control.Node journal replay --persistence-id {Markup.Escape(id)}[/]");
    }

    /// <summary>
    /// The copilot's counts and what its completed Tier-3 investigations concluded. The reports live in this process
    /// only, so the line says which tool runs the same investigation again on a serving node.
    /// </summary>
    private static void RenderInvestigations(NerfEngine.Control.Copilot.CopilotInvestigator copilot)
    {
        var reports = copilot.Reports;
        AnsiConsole.MarkupLine($"[grey]copilot: {copilot.Queued} Tier-3 investigation(s) queued, {copilot.Completed} completed, {copilot.Dropped} dropped{(reports.Count > 0 ? "; results:" : "")}[/]");
        foreach (var (card, report) in reports)
        {
            var confidence = report.BestConfidence ?? report.DeterministicConfidence;
            var how = report.ModelAvailable ? $"model {report.Model}, stopped: {report.StopReason}" : "no model answered: deterministic DSL assessment";
            var subject = card.SubjectAddress ?? $"node:0x{card.SubjectNode:x16}";
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"  {card.Title} on {subject}: threat confidence {(confidence is { } c ? c.ToString("0.00", CultureInfo.InvariantCulture) : "none")} ({how})")));
        }

        if (reports.Count > 0 || copilot.Completed > 0)
        {
            AnsiConsole.MarkupLine("[grey]copilot: full reports are kept in this process only; on a serving node (--serve) the graphops_investigation_reports tool at /mcp returns them, and graphops_investigate runs a new investigation ({\"question\": …})[/]");
        }
    }

    private sealed record AutonomyOutcome(AnalystFeedCounts Counts, AutonomyStatus Status);

    private static void RenderSummary(PcapReplayResult r, AutopilotCounters c, AutonomyOutcome? autonomy)
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
        table.AddRow("deduplicated", c.Deduplicated.ToString("N0"));
        table.AddRow("held back by detector cooldown *", c.CooledDown.ToString("N0"));
        if (autonomy is { Counts: var a, Status: var status })
        {
            table.AddRow("analyst: cards / proposals / abstained", $"{a.Alerts:N0} / {a.Proposals:N0} / {a.Abstained:N0}");
            table.AddRow("analyst: suppressed repeats", a.SuppressedRepeats.ToString("N0"));
            table.AddRow("executor: executed / shadow / rejected", $"{a.Executed:N0} / {a.Shadowed:N0} / {a.Rejected:N0}");
            if (a.Executed > 0) table.AddRow("executed and committed", a.Committed.ToString("N0"));
            foreach (var (gate, count) in a.RejectedByGate) table.AddRow($"rejected by the {Markup.Escape(gate)} gate", count.ToString("N0"));
            if (a.Demoted > 0) table.AddRow("demoted (trust collapse)", a.Demoted.ToString("N0"));
            if (a.Dropped > 0) table.AddRow("[yellow]cards not proposed on (in flight ≥ limit)[/]", a.Dropped.ToString("N0"));
            if (!a.IsIdle) table.AddRow("[yellow]still undecided (drain timed out)[/]", $"{a.Alerts - a.Analysed:N0} cards / {a.Proposals - a.Decided:N0} proposals");
            table.AddRow("executor phase / trust", string.Create(CultureInfo.InvariantCulture,
                $"{status.Phase} {((AutonomyPhase)status.Phase).ToWireName()} / {status.Executor.Trust:0.###}"));
        }
        table.AddRow("wall time", $"{r.Replay.Elapsed.TotalSeconds:F2} s");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[grey]* held back by detector cooldown: findings a detector made again for the same pattern within Detection:Cooldown (1 s) "
            + "of its last report; they were counted and never sent, so they are not among the detections received[/]");
        if (r.Replay.Error is { } error) AnsiConsole.MarkupLine($"[red]replay stopped early:[/] {Markup.Escape(error)}");
        if (r.Replay.Warning is { } warning) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
    }
}
