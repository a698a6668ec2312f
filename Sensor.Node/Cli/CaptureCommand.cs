using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using NerfEngine.Sensor.Capture.AfPacket;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Sensor.Publishing;
using NerfEngine.Shared.Fabric.Hosting;
using NerfEngine.Shared.Fabric.Transport;
using NerfEngine.Shared.Messages.Records;
using Spectre.Console;

namespace NerfEngine.Sensor.Cli;

/// <summary>
/// <c>Sensor.Node capture --interface IF …</c>: live AF_PACKET TPACKET_V3 capture through the whole
/// sensor path (rings → parser → flow tracker → batches → in-process transport → decoding consumer),
/// with a live stats line and a final summary (<c>--json</c>: machine-readable, with the per-edge table).
/// <c>--engine xdp</c> runs <see cref="XdpCaptureRun"/>, <c>--engine eve --eve-file PATH</c> runs
/// <see cref="EveCaptureRun"/>; what the engines share is <see cref="CaptureRun"/>.
/// </summary>
public static class CaptureCommand
{
    /// <summary>Rows of the per-edge table the text summary prints.</summary>
    public const int TextEdgeRows = 20;

    /// <summary>Rows the per-edge table keeps for the summary.</summary>
    public const int DefaultEdgeTableCapacity = 100_000;

    public static readonly Option<string?> Interface = new("--interface", "-i")
    {
        Description = "Interface to capture on (e.g. eth0); required by the afpacket and xdp engines.",
    };

    public static readonly Option<string> Engine = new Option<string>("--engine")
    {
        Description = "afpacket: TPACKET_V3 rings, every packet parsed in user space; xdp: XDP program with a kernel flow table, only edges reach user space (settings: section Xdp); "
            + "eve: follow Suricata's eve.json (--eve-file), flow/alert/DNS events become edges (settings: section EveJson).",
        DefaultValueFactory = _ => "afpacket",
    }.AcceptOnlyFromAmong("afpacket", "xdp", "eve");

    public static readonly Option<string?> EveFile = new("--eve-file")
    {
        Description = "eve engine: the eve.json to follow (e.g. /var/log/suricata/eve.json); rotation (rename or copytruncate) is followed.",
    };

    public static readonly Option<string> EveFrom = new Option<string>("--from")
    {
        Description = "eve engine: start at the file's end (new events only, like tail -F) or its start (its history too).",
        DefaultValueFactory = _ => "end",
    }.AcceptOnlyFromAmong("end", "start");

    public static readonly Option<bool> WaitForFile = new("--wait-for-file")
    {
        Description = "eve engine: start even when the file does not exist yet, and read it from its start once Suricata creates it.",
    };

    public static readonly Option<int> Fanout = new("--fanout")
    {
        Description = "Worker rings joined in one PACKET_FANOUT group (one worker actor each).",
        DefaultValueFactory = _ => AfPacketCaptureOptions.DefaultWorkers,
    };

    public static readonly Option<string> FanoutMode = new Option<string>("--fanout-mode")
    {
        Description = "How fanout spreads packets: hash (per flow, defrag on), lb, cpu, rollover, qm.",
        DefaultValueFactory = _ => "hash",
    }.AcceptOnlyFromAmong([.. FanoutModes.Names]);

    public static readonly Option<int?> FanoutGroup = new("--fanout-group")
    {
        Description = "PACKET_FANOUT group id (0-65535); default derived from the process id.",
    };

    public static readonly Option<string?> Filter = new("--filter")
    {
        Description = "Capture filter in tcpdump syntax, e.g. \"udp port 53\" (compiled by libpcap to classic BPF).",
    };

    public static readonly Option<int> BlockSize = new("--block-size")
    {
        Description = "Ring block size in bytes (multiple of the page size).",
        DefaultValueFactory = _ => AfPacketRingOptions.DefaultBlockSize,
    };

    public static readonly Option<int> BlockCount = new("--block-count")
    {
        Description = "Blocks per ring (halved on ENOMEM down to a floor; the size obtained is reported).",
        DefaultValueFactory = _ => AfPacketRingOptions.DefaultBlockCount,
    };

    public static readonly Option<int> FrameSize = new("--frame-size")
    {
        Description = "Nominal frame size (multiple of 16).",
        DefaultValueFactory = _ => AfPacketRingOptions.DefaultFrameSize,
    };

    public static readonly Option<int> RetireTimeout = new("--retire-timeout-ms")
    {
        Description = "Block retire timeout: a partly filled block reaches user space after this many ms.",
        DefaultValueFactory = _ => AfPacketRingOptions.DefaultRetireTimeoutMs,
    };

    public static readonly Option<double> Duration = new("--duration")
    {
        Description = "Seconds to capture; 0 runs until Ctrl+C.",
        DefaultValueFactory = _ => 0,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print only a machine-readable JSON summary (with the per-edge table) on stdout.",
    };

    public static readonly Option<int> EdgeTable = new("--edge-table")
    {
        Description = "Edges kept for the summary's per-edge table (0: none).",
        DefaultValueFactory = _ => DefaultEdgeTableCapacity,
    };

    public static Command Create()
    {
        var command = new Command("capture", "Capture live traffic (AF_PACKET TPACKET_V3 rings, or XDP) or follow Suricata's eve.json, and report what the sensor made of it (live capture needs root or CAP_NET_RAW).");
        foreach (Option option in new Option[] { Interface, Engine, EveFile, EveFrom, WaitForFile, Fanout, FanoutMode, FanoutGroup, Filter, BlockSize, BlockCount, FrameSize, RetireTimeout, Duration, Json, EdgeTable })
        {
            command.Options.Add(option);
        }
        CommonOptions.AddTo(command);
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        switch (parse.GetValue(Engine))
        {
            case "xdp":
                return await XdpCaptureRun.RunAsync(parse, cancellationToken).ConfigureAwait(false);
            case "eve":
                return await EveCaptureRun.RunAsync(parse, cancellationToken).ConfigureAwait(false);
        }

        return await CaptureRun.RunPacketEngineAsync(
            parse,
            ReadOptions,
            (options, run) => new AfPacketCaptureEngine(options, run.Transport, loggerFactory: run.LoggerFactory),
            stats => $"drops {stats.KernelDrops:N0}  freezes {stats.FreezeQueueCount:N0}",
            engine => $"[grey]capturing on[/] {Markup.Escape(engine.Name)} [grey]— {engine.Rings.Count} ring(s): {Markup.Escape(engine.Rings[0].ToString())}; Ctrl+C to stop[/]",
            engine => engine.GetSummary(),
            AfPacketSummaryJson.ToJson,
            Render,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The interface a packet engine captures on; the clear error when it was not given.</summary>
    internal static string RequiredInterface(ParseResult parse) =>
        parse.GetValue(Interface) is { Length: > 0 } name
            ? name
            : throw new ArgumentException($"--engine {parse.GetValue(Engine)} needs --interface IF (the interface to capture on, e.g. eth0).");

    /// <summary>Capture options from the command line; flow and publishing settings from the layered configuration.</summary>
    private static AfPacketCaptureOptions ReadOptions(ParseResult parse)
    {
        IConfiguration configuration = NodeHost.CreateBuilder("sensor", CommonOptions.Overrides(parse)).Configuration;
        var flows = configuration.GetSection(FlowTrackerOptions.Section).Get<FlowTrackerOptions>() ?? new FlowTrackerOptions();
        var publishing = configuration.GetSection(PublishingOptions.Section).Get<PublishingOptions>() ?? new PublishingOptions();
        int? group = parse.GetValue(FanoutGroup);
        if (group is < 0 or > ushort.MaxValue)
        {
            throw new ArgumentException($"--fanout-group must be between 0 and {ushort.MaxValue}, got {group}.");
        }
        double duration = parse.GetValue(Duration);
        if (duration < 0)
        {
            throw new ArgumentException($"--duration must be 0 (until Ctrl+C) or positive, got {duration}.");
        }
        var options = new AfPacketCaptureOptions
        {
            Interface = RequiredInterface(parse),
            Workers = parse.GetValue(Fanout),
            FanoutMode = FanoutModes.Parse(parse.GetValue(FanoutMode)!),
            FanoutGroupId = (ushort?)group,
            Filter = parse.GetValue(Filter),
            Ring = new AfPacketRingOptions
            {
                BlockSize = parse.GetValue(BlockSize),
                BlockCount = parse.GetValue(BlockCount),
                FrameSize = parse.GetValue(FrameSize),
                RetireTimeoutMs = parse.GetValue(RetireTimeout),
            },
            EdgeTableCapacity = parse.GetValue(EdgeTable),
            Flows = flows,
            Publishing = publishing,
        };
        options.Validate();
        return options;
    }

    private static void Render(CaptureRun run, AfPacketCaptureSummary summary)
    {
        var totals = new Table().Title($"capture on {Markup.Escape(summary.Interface)} ({summary.Elapsed.TotalSeconds:0.0} s)").AddColumns("", "value");
        totals.AddRow("packets captured", $"{summary.Capture.PacketsCaptured:N0}");
        totals.AddRow("kernel packets / drops / freezes", $"{summary.Kernel.Packets:N0} / {summary.Kernel.Drops:N0} / {summary.Kernel.FreezeQueueCount:N0}");
        totals.AddRow("parse errors", $"{summary.Capture.ParseErrors:N0}");
        totals.AddRow("IPv4 / IPv6 / non-IP", $"{summary.Outcome(ParseOutcome.Ipv4):N0} / {summary.Outcome(ParseOutcome.Ipv6):N0} / {summary.Outcome(ParseOutcome.NonIp):N0}");
        totals.AddRow("flows created", $"{summary.Flows.FlowsCreated:N0}");
        totals.AddRow("edges open / tick / close / agg", $"{summary.Flows.Edges(EdgeKind.Open):N0} / {summary.Flows.Edges(EdgeKind.Tick):N0} / {summary.Flows.Edges(EdgeKind.Close):N0} / {summary.Flows.Edges(EdgeKind.Aggregate):N0}");
        run.RenderSummary(totals, summary.Publishing, summary.Capture, summary.Edges, table =>
        {
            foreach (AfPacketWorkerSummary worker in summary.Workers)
            {
                table.AddRow($"ring {worker.Index}", Markup.Escape($"{worker.PacketsCaptured:N0} packets, {worker.Kernel.Drops:N0} drops; {worker.Ring}"));
            }
            if (summary.Fanout is not null)
            {
                table.AddRow("fanout", $"group {summary.Fanout.GroupId}, {summary.Fanout.Mode.ToName()}{(summary.Fanout.Defrag ? ", defrag" : "")}");
            }
        });
    }
}
