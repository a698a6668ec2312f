using System.CommandLine;
using System.Text.Json;
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
/// </summary>
public static class CaptureCommand
{
    /// <summary>Rows of the per-edge table the text summary prints.</summary>
    public const int TextEdgeRows = 20;

    /// <summary>Rows the per-edge table keeps for the summary.</summary>
    public const int DefaultEdgeTableCapacity = 100_000;

    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ConsumerDrainTimeout = TimeSpan.FromSeconds(5);

    public static readonly Option<string> Interface = new("--interface", "-i")
    {
        Description = "Interface to capture on (e.g. eth0).",
        Required = true,
    };

    public static readonly Option<string> Engine = new Option<string>("--engine")
    {
        Description = "afpacket: TPACKET_V3 rings, every packet parsed in user space; xdp: XDP program with a kernel flow table, only edges reach user space (settings: section Xdp).",
        DefaultValueFactory = _ => "afpacket",
    }.AcceptOnlyFromAmong("afpacket", "xdp");

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
        var command = new Command("capture", "Capture live traffic with AF_PACKET TPACKET_V3 rings and report what the sensor made of it (needs root or CAP_NET_RAW).");
        foreach (Option option in new Option[] { Interface, Engine, Fanout, FanoutMode, FanoutGroup, Filter, BlockSize, BlockCount, FrameSize, RetireTimeout, Duration, Json, EdgeTable })
        {
            command.Options.Add(option);
        }
        CommonOptions.AddTo(command);
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        if (parse.GetValue(Engine) == "xdp")
        {
            return await XdpCaptureRun.RunAsync(parse, cancellationToken).ConfigureAwait(false);
        }
        TextWriter output = parse.InvocationConfiguration.Output;
        TextWriter error = parse.InvocationConfiguration.Error;
        AfPacketCaptureOptions options;
        try
        {
            options = ReadOptions(parse);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or FileNotFoundException)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return CliRunner.UsageError;
        }

        bool json = parse.GetValue(Json);
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        using ILoggerFactory loggerFactory = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(console => console.SingleLine = true));
        await using var transport = new InProcessEdgeTransport();
        var delivered = new DeliveredEdgeCounter();
        await using IEdgeBatchSubscription subscription = await delivered.SubscribeAsync(transport, cancellationToken).ConfigureAwait(false);
        await using var engine = new AfPacketCaptureEngine(options, transport, loggerFactory: loggerFactory);
        try
        {
            await engine.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CaptureStartException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return CliRunner.UsageError;
        }

        await WaitAsync(console, engine, parse.GetValue(Duration), json, cancellationToken).ConfigureAwait(false);
        await engine.StopAsync(CancellationToken.None).ConfigureAwait(false);
        using (var drain = new CancellationTokenSource(ConsumerDrainTimeout))
        {
            await transport.ShutdownAsync(drain.Token).ConfigureAwait(false);
        }

        AfPacketCaptureSummary summary = engine.GetSummary();
        if (json)
        {
            var document = AfPacketSummaryJson.ToJson(summary);
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
            Interface = parse.GetValue(Interface)!,
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

    /// <summary>Runs for the duration (or until Ctrl+C / SIGTERM), showing a stats line once a second unless JSON was asked for.</summary>
    private static async Task WaitAsync(IAnsiConsole console, AfPacketCaptureEngine engine, double seconds, bool json, CancellationToken cancellationToken)
    {
        using var stop = new CaptureStopSignal(seconds, cancellationToken);

        if (json)
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return;
        }

        console.MarkupLine($"[grey]capturing on[/] {Markup.Escape(engine.Name)} [grey]— {engine.Rings.Count} ring(s): {Markup.Escape(engine.Rings[0].ToString())}; Ctrl+C to stop[/]");
        var status = new StatusLine(engine);
        if (console.Profile.Capabilities.Interactive)
        {
            await console.Live(new Markup(status.Next())).StartAsync(async live =>
            {
                while (!stop.IsStopRequested)
                {
                    await Task.Delay(StatusInterval, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    live.UpdateTarget(new Markup(status.Next()));
                }
            });
            return;
        }
        while (!stop.IsStopRequested)
        {
            await Task.Delay(StatusInterval, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            console.MarkupLine(status.Next());
        }
    }

    private static void Render(IAnsiConsole console, AfPacketCaptureSummary summary, DeliveredEdgeCounter delivered)
    {
        var totals = new Table().Title($"capture on {Markup.Escape(summary.Interface)} ({summary.Elapsed.TotalSeconds:0.0} s)").AddColumns("", "value");
        totals.AddRow("packets captured", $"{summary.Capture.PacketsCaptured:N0}");
        totals.AddRow("kernel packets / drops / freezes", $"{summary.Kernel.Packets:N0} / {summary.Kernel.Drops:N0} / {summary.Kernel.FreezeQueueCount:N0}");
        totals.AddRow("parse errors", $"{summary.Capture.ParseErrors:N0}");
        totals.AddRow("IPv4 / IPv6 / non-IP", $"{summary.Outcome(ParseOutcome.Ipv4):N0} / {summary.Outcome(ParseOutcome.Ipv6):N0} / {summary.Outcome(ParseOutcome.NonIp):N0}");
        totals.AddRow("flows created", $"{summary.Flows.FlowsCreated:N0}");
        totals.AddRow("edges open / tick / close / agg", $"{summary.Flows.Edges(EdgeKind.Open):N0} / {summary.Flows.Edges(EdgeKind.Tick):N0} / {summary.Flows.Edges(EdgeKind.Close):N0} / {summary.Flows.Edges(EdgeKind.Aggregate):N0}");
        totals.AddRow("batches published / dropped", $"{summary.Publishing.BatchesPublished:N0} / {summary.Publishing.BatchesDropped:N0}");
        totals.AddRow("edges delivered", $"{delivered.Edges:N0}");
        foreach (AfPacketWorkerSummary worker in summary.Workers)
        {
            totals.AddRow($"ring {worker.Index}", Markup.Escape($"{worker.PacketsCaptured:N0} packets, {worker.Kernel.Drops:N0} drops; {worker.Ring}"));
        }
        if (summary.Fanout is not null)
        {
            totals.AddRow("fanout", $"group {summary.Fanout.GroupId}, {summary.Fanout.Mode.ToName()}{(summary.Fanout.Defrag ? ", defrag" : "")}");
        }
        if (summary.Capture.LastError is not null)
        {
            totals.AddRow("[red]last error[/]", Markup.Escape(summary.Capture.LastError));
        }
        console.Write(totals);

        if (summary.Edges.Count > 0)
        {
            var edges = new Table().Title($"top edges ({Math.Min(TextEdgeRows, summary.Edges.Count)} of {summary.Edges.Count})")
                .AddColumns("source", "destination", "proto", "packets", "bytes");
            foreach (CapturedEdge edge in summary.Edges.Take(TextEdgeRows))
            {
                edges.AddRow($"{edge.Source}:{edge.SourcePort}", $"{edge.Destination}:{edge.DestinationPort}", edge.Protocol.ToString(),
                    $"{edge.Packets:N0}", $"{edge.Bytes:N0}");
            }
            console.Write(edges);
        }
    }

    /// <summary>One line of live counters with rates since the previous line.</summary>
    private sealed class StatusLine(AfPacketCaptureEngine engine)
    {
        private readonly long _started = TimeProvider.System.GetTimestamp();
        private long _lastPackets;
        private long _lastTimestamp = TimeProvider.System.GetTimestamp();

        public string Next()
        {
            CaptureStats stats = engine.Stats;
            long now = TimeProvider.System.GetTimestamp();
            double seconds = Math.Max(1e-3, TimeProvider.System.GetElapsedTime(_lastTimestamp, now).TotalSeconds);
            double rate = (stats.PacketsCaptured - _lastPackets) / seconds;
            _lastPackets = stats.PacketsCaptured;
            _lastTimestamp = now;
            string error = stats.LastError is null ? "" : $" [red]{Markup.Escape(stats.LastError)}[/]";
            return $"[grey]{TimeProvider.System.GetElapsedTime(_started):hh\\:mm\\:ss}[/] packets [bold]{stats.PacketsCaptured:N0}[/] ({rate:N0}/s)  "
                + $"edges {stats.EventsEmitted:N0}  parse errors {stats.ParseErrors:N0}  drops {stats.KernelDrops:N0}  freezes {stats.FreezeQueueCount:N0}{error}";
        }
    }
}
