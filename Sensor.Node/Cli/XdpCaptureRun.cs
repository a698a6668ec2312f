using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using NerfEngine.Sensor.Capture.AfPacket;
using NerfEngine.Sensor.Capture.Xdp;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Sensor.Publishing;
using NerfEngine.Shared.Fabric.Hosting;
using NerfEngine.Shared.Fabric.Transport;
using NerfEngine.Shared.Messages.Records;
using Spectre.Console;

namespace NerfEngine.Sensor.Cli;

/// <summary>
/// <c>Sensor.Node capture --engine xdp --interface IF …</c>: the XDP engine through the whole sensor path
/// (program → rings and aggregate drains → batches → in-process transport → decoding consumer), with a live
/// stats line and a final summary (<c>--json</c>: machine-readable, with the per-edge table and the reduction).
/// XDP settings come from configuration section <c>Xdp</c> (e.g. <c>--set Xdp:Mode=generic</c>).
/// </summary>
internal static class XdpCaptureRun
{
    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ConsumerDrainTimeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        TextWriter output = parse.InvocationConfiguration.Output;
        TextWriter error = parse.InvocationConfiguration.Error;
        XdpCaptureOptions options;
        try
        {
            options = ReadOptions(parse);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or FileNotFoundException)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return CliRunner.UsageError;
        }

        bool json = parse.GetValue(CaptureCommand.Json);
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        using ILoggerFactory loggerFactory = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(console => console.SingleLine = true));
        await using var transport = new InProcessEdgeTransport();
        var delivered = new DeliveredEdgeCounter();
        await using IEdgeBatchSubscription subscription = await delivered.SubscribeAsync(transport, cancellationToken).ConfigureAwait(false);
        await using var engine = new XdpCaptureEngine(options, transport, loggerFactory: loggerFactory);
        try
        {
            await engine.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CaptureStartException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return CliRunner.UsageError;
        }

        await WaitAsync(console, engine, parse.GetValue(CaptureCommand.Duration), json, cancellationToken).ConfigureAwait(false);
        await engine.StopAsync(CancellationToken.None).ConfigureAwait(false);
        using (var drain = new CancellationTokenSource(ConsumerDrainTimeout))
        {
            await transport.ShutdownAsync(drain.Token).ConfigureAwait(false);
        }

        XdpCaptureSummary summary = engine.GetSummary();
        if (json)
        {
            var document = XdpSummaryJson.ToJson(summary);
            document["delivered"] = new System.Text.Json.Nodes.JsonObject
            {
                ["batches"] = delivered.Batches,
                ["edges"] = delivered.Edges,
                ["node_addresses"] = delivered.NodeAddresses,
                ["malformed"] = delivered.Malformed,
            };
            await output.WriteLineAsync(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);
        }
        else
        {
            Render(console, summary, delivered);
        }
        return 0;
    }

    /// <summary>Interface and durations from the command line; XDP, flow and publishing settings from the layered configuration.</summary>
    private static XdpCaptureOptions ReadOptions(ParseResult parse)
    {
        if (parse.GetValue(CaptureCommand.Filter) is { } filter)
        {
            throw new ArgumentException($"--filter '{filter}' is not supported by the xdp engine (the program sees every frame); use --engine afpacket for capture filters.");
        }
        double duration = parse.GetValue(CaptureCommand.Duration);
        if (duration < 0)
        {
            throw new ArgumentException($"--duration must be 0 (until Ctrl+C) or positive, got {duration}.");
        }
        IConfiguration configuration = NodeHost.CreateBuilder("sensor", CommonOptions.Overrides(parse)).Configuration;
        var flows = configuration.GetSection(FlowTrackerOptions.Section).Get<FlowTrackerOptions>() ?? new FlowTrackerOptions();
        var publishing = configuration.GetSection(PublishingOptions.Section).Get<PublishingOptions>() ?? new PublishingOptions();
        string interfaceName = parse.GetValue(CaptureCommand.Interface)!;
        XdpCaptureOptions xdp = configuration.GetSection(XdpCaptureOptions.Section).Get<XdpCaptureOptions>() ?? new XdpCaptureOptions { Interface = interfaceName };
        var options = xdp with
        {
            Interface = interfaceName,
            EdgeTableCapacity = parse.GetValue(CaptureCommand.EdgeTable),
            Flows = flows,
            Publishing = publishing,
        };
        options.Validate();
        return options;
    }

    /// <summary>Runs for the duration (or until Ctrl+C / SIGTERM), showing a stats line once a second unless JSON was asked for.</summary>
    private static async Task WaitAsync(IAnsiConsole console, XdpCaptureEngine engine, double seconds, bool json, CancellationToken cancellationToken)
    {
        using var stop = new CaptureStopSignal(seconds, cancellationToken);

        if (json)
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return;
        }
        console.MarkupLine($"[grey]capturing on[/] {Markup.Escape(engine.Name)} [grey]— XDP {engine.Mode?.ToString().ToLowerInvariant()} mode; Ctrl+C to stop[/]");
        long lastPackets = 0;
        while (!stop.IsStopRequested)
        {
            await Task.Delay(StatusInterval, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            CaptureStats stats = engine.Stats;
            string failure = stats.LastError is null ? "" : $" [red]{Markup.Escape(stats.LastError)}[/]";
            console.MarkupLine($"packets [bold]{stats.PacketsCaptured:N0}[/] (+{stats.PacketsCaptured - lastPackets:N0})  edges {stats.EventsEmitted:N0}  "
                + $"parse errors {stats.ParseErrors:N0}  kernel losses {stats.KernelDrops:N0}{failure}");
            lastPackets = stats.PacketsCaptured;
        }
    }

    private static void Render(IAnsiConsole console, XdpCaptureSummary summary, DeliveredEdgeCounter delivered)
    {
        XdpRecordCounts records = summary.Records;
        var totals = new Table().Title($"XDP capture on {Markup.Escape(summary.Interface)}, {summary.Mode.ToString().ToLowerInvariant()} mode ({summary.Elapsed.TotalSeconds:0.0} s)")
            .AddColumns("", "value");
        totals.AddRow("packets (kernel)", $"{summary.Kernel.Packets:N0}");
        totals.AddRow("IP / non-IP / parse errors", $"{summary.Kernel.IpPackets:N0} / {summary.Kernel.NonIp:N0} / {summary.Kernel.ParseErrors:N0}");
        totals.AddRow("flows created (kernel)", $"{summary.Kernel.FlowsCreated:N0}");
        totals.AddRow("records read: open / close / flow-end / aggregate / removed",
            $"{records.OpenEvents:N0} / {records.CloseEvents:N0} / {records.FlowEndEvents:N0} / {records.AggregateEntries:N0} / {records.FlowsRemoved:N0}");
        totals.AddRow("records per packet", $"{summary.KernelRecordsPerPacket:P2} (edges {summary.EdgesPerPacket:P2})");
        totals.AddRow("edges open / tick / close / agg",
            $"{records.Edges(EdgeKind.Open):N0} / {records.Edges(EdgeKind.Tick):N0} / {records.Edges(EdgeKind.Close):N0} / {records.Edges(EdgeKind.Aggregate):N0}");
        totals.AddRow("lost in the kernel: ring full (edge / flow) / map inserts",
            $"{summary.Kernel.EdgeRingFull:N0} / {summary.Kernel.FlowRingFull:N0} / {summary.Kernel.FlowTableFailures + summary.Kernel.AggregateFailures:N0}");
        totals.AddRow("batches published / dropped", $"{summary.Publishing.BatchesPublished:N0} / {summary.Publishing.BatchesDropped:N0}");
        totals.AddRow("edges delivered", $"{delivered.Edges:N0}");
        if (summary.Capture.LastError is not null)
        {
            totals.AddRow("[red]last error[/]", Markup.Escape(summary.Capture.LastError));
        }
        console.Write(totals);
        if (summary.Edges.Count > 0)
        {
            var edges = new Table().Title($"top edges ({Math.Min(CaptureCommand.TextEdgeRows, summary.Edges.Count)} of {summary.Edges.Count})")
                .AddColumns("source", "destination", "proto", "packets", "bytes");
            foreach (CapturedEdge edge in summary.Edges.Take(CaptureCommand.TextEdgeRows))
            {
                edges.AddRow($"{edge.Source}:{edge.SourcePort}", $"{edge.Destination}:{edge.DestinationPort}", edge.Protocol.ToString(),
                    $"{edge.Packets:N0}", $"{edge.Bytes:N0}");
            }
            console.Write(edges);
        }
    }
}
