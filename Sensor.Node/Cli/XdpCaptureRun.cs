using System.CommandLine;
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
    public static Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) =>
        CaptureRun.RunPacketEngineAsync(
            parse,
            ReadOptions,
            (options, run) => new XdpCaptureEngine(options, run.Transport, loggerFactory: run.LoggerFactory),
            stats => $"kernel losses {stats.KernelDrops:N0}",
            engine => $"[grey]capturing on[/] {Markup.Escape(engine.Name)} [grey]— XDP {engine.Mode?.ToString().ToLowerInvariant()} mode; Ctrl+C to stop[/]",
            engine => engine.GetSummary(),
            XdpSummaryJson.ToJson,
            Render,
            cancellationToken);

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
        string interfaceName = CaptureCommand.RequiredInterface(parse);
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

    private static void Render(CaptureRun run, XdpCaptureSummary summary)
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
        run.RenderSummary(totals, summary.Publishing, summary.Capture, summary.Edges);
    }
}
