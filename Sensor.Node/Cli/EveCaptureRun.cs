using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using NerfEngine.Sensor.Capture;
using NerfEngine.Sensor.Capture.AfPacket;
using NerfEngine.Sensor.Capture.EveJson;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Sensor.Publishing;
using NerfEngine.Shared.Fabric.Hosting;
using Spectre.Console;

namespace NerfEngine.Sensor.Cli;

/// <summary>
/// <c>Sensor.Node capture --engine eve --eve-file PATH [--from start|end] [--wait-for-file] …</c>: follows a
/// Suricata eve.json (rotation-safe) through the sensor path (flow, alert and DNS events → edges → batches →
/// in-process transport → decoding consumer), with a live stats line and a final summary (<c>--json</c>:
/// machine-readable, with the per-edge table). A "packet" of this engine is an eve line: lines read, lines
/// that could not be mapped (parse errors, by outcome) and ignored event types are all counted.
/// Tail and mapping settings come from configuration sections <c>EveJson:Tailer</c> and <c>EveJson:Mapping</c>.
/// </summary>
internal static class EveCaptureRun
{
    public static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        (ReadOptionsResult? options, int exitCode) = await CaptureRun.ReadOptionsAsync(parse, ReadOptions).ConfigureAwait(false);
        if (options is null)
        {
            return exitCode;
        }

        await using CaptureRun? run = await CaptureRun.TryCreateAsync(parse, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return CliRunner.UsageError;
        }

        await using var sink = new WallClockEdgeBatchSink(run.Transport, options.Publishing, parse.GetValue(CaptureCommand.EdgeTable));
        var started = TimeProvider.System.GetTimestamp();
        await using var engine = new EveJsonCaptureEngine(options.Eve, sink, loggerFactory: run.LoggerFactory);
        if (!await run.TryStartAsync(engine, cancellationToken).ConfigureAwait(false))
        {
            return CliRunner.UsageError;
        }

        string from = options.Eve.Tailer.Start == EveTailStart.End ? "its end" : "its start";
        var status = new CaptureStatusLine(engine, "lines", _ => $"rotations {engine.EveStats.Tailer.Rotations:N0}");
        await run.WaitAsync(parse.GetValue(CaptureCommand.Duration),
            $"[grey]following[/] {Markup.Escape(engine.Path)} [grey]from {from}; Ctrl+C to stop[/]", status.Next, cancellationToken).ConfigureAwait(false);
        await engine.StopAsync(CancellationToken.None).ConfigureAwait(false);
        using (var drain = new CancellationTokenSource(CaptureRun.ConsumerDrainTimeout))
        {
            await sink.CompleteAsync(drain.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await run.DrainAsync().ConfigureAwait(false);
        var summary = new EveCaptureSummary(
            engine.Path,
            options.Eve.Tailer.Start,
            TimeProvider.System.GetElapsedTime(started),
            engine.Stats,
            engine.EveStats,
            sink.Stats,
            sink.GetEdges(out long omittedEdges),
            omittedEdges);
        if (run.Json)
        {
            await run.WriteJsonAsync(ToJson(summary)).ConfigureAwait(false);
        }
        else
        {
            Render(run, summary);
        }

        return 0;
    }

    /// <summary>The file and start position from the command line; tail, mapping and publishing settings from the layered configuration.</summary>
    private static ReadOptionsResult ReadOptions(ParseResult parse)
    {
        string? path = parse.GetValue(CaptureCommand.EveFile);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("--engine eve needs --eve-file PATH (Suricata's eve.json, e.g. /var/log/suricata/eve.json).");
        }

        if (parse.GetValue(CaptureCommand.Interface) is { } interfaceName)
        {
            throw new ArgumentException($"--interface '{interfaceName}' does not apply to --engine eve, which reads Suricata's eve.json (--eve-file).");
        }

        if (parse.GetValue(CaptureCommand.Filter) is { } filter)
        {
            throw new ArgumentException($"--filter '{filter}' does not apply to --engine eve: Suricata has already chosen what it logs.");
        }

        double duration = parse.GetValue(CaptureCommand.Duration);
        if (duration < 0)
        {
            throw new ArgumentException($"--duration must be 0 (until Ctrl+C) or positive, got {duration}.");
        }

        IConfiguration configuration = NodeHost.BuildConfiguration(CommonOptions.Overrides(parse));
        IConfigurationSection section = configuration.GetSection(EveJsonCaptureOptions.Section);
        EveTailerOptions tailer = section.GetSection("Tailer").Get<EveTailerOptions>() ?? new EveTailerOptions { Path = path };
        var eve = new EveJsonCaptureOptions
        {
            Tailer = tailer with
            {
                Path = Path.GetFullPath(path),
                Start = parse.GetValue(CaptureCommand.EveFrom) == "start" ? EveTailStart.Beginning : EveTailStart.End,
            },
            Mapping = section.GetSection("Mapping").Get<EveMapperOptions>() ?? new EveMapperOptions(),
            WaitForFile = parse.GetValue(CaptureCommand.WaitForFile),
        };
        eve.Validate();
        var publishing = configuration.GetSection(PublishingOptions.Section).Get<PublishingOptions>() ?? new PublishingOptions();
        publishing.Validate();
        return new ReadOptionsResult(eve, publishing);
    }

    /// <summary>The machine-readable summary: the common capture counters, then what the eve side counted.</summary>
    internal static JsonObject ToJson(EveCaptureSummary summary)
    {
        EveTailerStats tailer = summary.Eve.Tailer;
        EveMapperStats mapping = summary.Eve.Mapping;
        var outcomes = new JsonObject();
        foreach (EveLineOutcome outcome in EveLineOutcomes.All)
        {
            long count = mapping.Outcomes.GetValueOrDefault(outcome);
            if (count != 0)
            {
                outcomes[CaptureSummaryJson.SnakeCase(outcome.ToString())] = count;
            }
        }

        var ignored = new JsonObject();
        foreach ((string type, long count) in mapping.IgnoredEventTypes.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            ignored[type] = count;
        }

        return new JsonObject
        {
            ["engine"] = "eve",
            ["file"] = summary.Path,
            ["from"] = summary.Start == EveTailStart.End ? "end" : "start",
            ["elapsed_seconds"] = Math.Round(summary.Elapsed.TotalSeconds, 3),
            ["capture"] = CaptureSummaryJson.Capture(summary.Capture),
            ["eve"] = new JsonObject
            {
                ["lines_read"] = tailer.LinesRead,
                ["bytes_read"] = tailer.BytesRead,
                ["rotations"] = tailer.Rotations,
                ["truncations"] = tailer.Truncations,
                ["lines_too_long"] = tailer.LinesTooLong,
                ["lines_cut_by_truncation"] = tailer.LinesCutByTruncation,
                ["read_errors"] = tailer.ReadErrors,
                ["sink_failures"] = summary.Eve.SinkFailures,
                ["outcomes"] = outcomes,
                ["ignored_event_types"] = ignored,
                ["node_addresses"] = mapping.NodeAddressesEmitted,
                ["alert_signatures"] = new JsonArray([.. mapping.Signatures.Select(signature => (JsonNode)new JsonObject
                {
                    ["gid"] = signature.Gid,
                    ["signature_id"] = signature.SignatureId,
                    ["signature"] = signature.Signature,
                    ["count"] = signature.Count,
                })]),
            },
            ["publishing"] = CaptureSummaryJson.Publishing(summary.Publishing),
            ["edges"] = CaptureSummaryJson.Edges(summary.Edges),
            ["omitted_edges"] = summary.OmittedEdges,
        };
    }

    private static void Render(CaptureRun run, EveCaptureSummary summary)
    {
        EveTailerStats tailer = summary.Eve.Tailer;
        EveMapperStats mapping = summary.Eve.Mapping;
        long Outcome(EveLineOutcome outcome) => mapping.Outcomes.GetValueOrDefault(outcome);
        var totals = new Table().Title($"eve.json {Markup.Escape(summary.Path)} ({summary.Elapsed.TotalSeconds:0.0} s)").AddColumns("", "value");
        totals.AddRow("lines read", $"{tailer.LinesRead:N0} ({tailer.BytesRead:N0} bytes)");
        totals.AddRow("flow / alert / DNS query events", $"{Outcome(EveLineOutcome.Flow):N0} / {Outcome(EveLineOutcome.Alert):N0} / {Outcome(EveLineOutcome.DnsQuery):N0}");
        totals.AddRow("other DNS / ignored types / blank lines",
            $"{Outcome(EveLineOutcome.DnsAnswer) + Outcome(EveLineOutcome.DnsOther):N0} / {Outcome(EveLineOutcome.IgnoredEventType):N0} / {Outcome(EveLineOutcome.BlankLine):N0}");
        totals.AddRow("parse errors", $"{summary.Capture.ParseErrors:N0}");
        totals.AddRow("rotations / truncations / read errors", $"{tailer.Rotations:N0} / {tailer.Truncations:N0} / {tailer.ReadErrors:N0}");
        totals.AddRow("edges emitted", $"{summary.Capture.EventsEmitted:N0}");
        run.RenderSummary(totals, summary.Publishing, summary.Capture, summary.Edges);
    }

    private sealed record ReadOptionsResult(EveJsonCaptureOptions Eve, PublishingOptions Publishing);
}

/// <summary>What an eve.json capture run ends with.</summary>
internal sealed record EveCaptureSummary(
    string Path,
    EveTailStart Start,
    TimeSpan Elapsed,
    CaptureStats Capture,
    EveJsonStats Eve,
    PublishingStats Publishing,
    IReadOnlyList<CapturedEdge> Edges,
    long OmittedEdges);
