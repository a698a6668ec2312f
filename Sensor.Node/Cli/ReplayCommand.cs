using System.CommandLine;
using Microsoft.Extensions.Configuration;
using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Sensor.Publishing;
using NerfEngine.Shared.Fabric.Hosting;
using NerfEngine.Shared.Fabric.Transport;
using Spectre.Console;

namespace NerfEngine.Sensor.Cli;

/// <summary>
/// <c>Sensor.Node replay --pcap FILE [--speed max|1x|FACTOR] [--file-access mapped|stream] [--threads 2|1] [--json]</c>: replays a capture file
/// through the parser, flow tracker and batcher into the transport <c>Transport:Kind</c> selects (in-process with a
/// local decoding consumer, or a RabbitMQ broker a control node consumes), with a progress bar by
/// file bytes and a summary table, or with <c>--json</c> a machine-readable summary (including every
/// conversation) on stdout. A missing or unreadable file or an unreachable broker is one error line and exit code 2.
/// </summary>
/// <remarks>Flow and publishing settings come from configuration (<c>Flows:*</c>, <c>Publishing:*</c>),
/// layered like every verb's: appsettings.json, <c>--config</c>, NERF__* variables, <c>--set</c>.</remarks>
public static class ReplayCommand
{
    /// <summary>Exit code when the replay finished.</summary>
    public const int Success = 0;

    /// <summary>Exit code when the replay was interrupted (Ctrl+C).</summary>
    public const int Interrupted = 1;

    /// <summary>Exit code for a bad file or bad configuration (<see cref="CliRunner.UsageError"/>).</summary>
    public const int BadInput = CliRunner.UsageError;

    /// <summary>How often the progress bar refreshes.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the transport may take to hand the last batches to the consumer.</summary>
    public static readonly TimeSpan TransportDrainTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The capture file.</summary>
    public static readonly Option<FileInfo> Pcap = new("--pcap")
    {
        Description = "pcap or pcapng file to replay.",
        Required = true,
    };

    /// <summary>Pacing: <c>max</c>, <c>1x</c> (recorded timing) or a factor such as <c>2.5</c>.</summary>
    public static readonly Option<ReplaySpeed> Speed = new("--speed")
    {
        Description = "Replay speed: max (as fast as possible), 1x (recorded timing) or a factor like 2.5 or 0.5x.",
        DefaultValueFactory = _ => ReplaySpeed.Maximum,
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (ReplaySpeed.TryParse(text, out ReplaySpeed speed))
            {
                return speed;
            }

            result.AddError($"--speed '{text}' is not 'max' or a positive factor such as '1x', '2.5' or '0.5x'.");
            return ReplaySpeed.Maximum;
        },
    };

    /// <summary>How the file's bytes are read: mapped (no copy, the default) or streamed with read(2).</summary>
    public static readonly Option<string> FileAccess = new Option<string>("--file-access")
    {
        Description = "mapped: map the file into memory, no copy (default); stream: read(2) into a buffer, for a file another program may truncate meanwhile (a mapped file that shrinks ends the process with SIGBUS).",
        DefaultValueFactory = _ => "mapped",
    }.AcceptOnlyFromAmong("mapped", "stream");

    /// <summary>Threads of a maximum-speed replay: 2 (read-ahead parser beside the tracker) or 1.</summary>
    public static readonly Option<int> Threads = new Option<int>("--threads")
    {
        Description = "Threads for --speed max: 2 (default) parses on a read-ahead thread beside the flow tracker, the fastest by the clock; 1 does everything on one thread, the least CPU per packet.",
        DefaultValueFactory = _ => ReplayOptions.ReadAheadThreads,
    }.AcceptOnlyFromAmong("1", "2");

    /// <summary>Machine-readable summary on stdout instead of progress and tables.</summary>
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print a JSON summary (counters and every conversation) on stdout instead of progress and tables.",
    };

    /// <summary>Builds the verb.</summary>
    public static Command Create()
    {
        var command = new Command("replay", "Replay a pcap/pcapng file through parser, flow tracker and edge batching; print a summary.");
        command.Options.Add(Pcap);
        command.Options.Add(Speed);
        command.Options.Add(FileAccess);
        command.Options.Add(Threads);
        command.Options.Add(Json);
        CommonOptions.AddTo(command);
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        TextWriter output = parse.InvocationConfiguration.Output;
        TextWriter error = parse.InvocationConfiguration.Error;
        ReplayOptions options;
        // Configuration only, without building a host: a one-shot verb needs the layers, not the services.
        IConfiguration configuration;
        try
        {
            configuration = NodeHost.BuildConfiguration(CommonOptions.Overrides(parse));
            options = ReadOptions(parse, configuration);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or FileNotFoundException)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return BadInput;
        }

        await using SensorTransport? transport = await SensorTransport.TryConnectAsync(
            configuration, new InProcessTransportOptions(), error, loggerFactory: null, cancellationToken).ConfigureAwait(false);
        if (transport is null)
        {
            return BadInput;
        }

        await using var pipeline = new ReplayPipeline(options, transport.Transport);
        try
        {
            await pipeline.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CaptureStartException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return BadInput;
        }

        bool json = parse.GetValue(Json);
        // The console (progress bar, tables) only when it is shown: --json output needs none of it.
        IAnsiConsole? console = json ? null : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        ReplaySummary summary;
        using (cancellationToken.Register(static p => _ = ((ReplayPipeline)p!).StopAsync(), pipeline))
        {
            summary = console is null
                ? await pipeline.Completion.ConfigureAwait(false)
                : await ShowProgressAsync(console, pipeline).ConfigureAwait(false);
        }

        await transport.DrainAsync(TransportDrainTimeout).ConfigureAwait(false);

        if (console is null)
        {
            ReplayJsonWriter.Write(output, summary, transport);
        }
        else
        {
            ReplaySummaryView.Render(console, summary, transport);
        }

        if (summary.Error is not null)
        {
            await error.WriteLineAsync($"error: {summary.Error}").ConfigureAwait(false);
            return BadInput;
        }

        return summary.Completed ? Success : Interrupted;
    }

    /// <summary>Replay options from the command line and the layered configuration.</summary>
    private static ReplayOptions ReadOptions(ParseResult parse, IConfiguration configuration)
    {
        var flows = configuration.GetSection(FlowTrackerOptions.Section).Get<FlowTrackerOptions>() ?? new FlowTrackerOptions();
        // A file loses nothing by waiting for the transport: replays wait unless configured to drop.
        var publishing = configuration.GetSection(PublishingOptions.Section).Get<PublishingOptions>()
                         ?? new PublishingOptions { WhenOutboxFull = OutboxFullPolicy.Wait };
        if (configuration[$"{PublishingOptions.Section}:{nameof(PublishingOptions.WhenOutboxFull)}"] is null)
            publishing.WhenOutboxFull = OutboxFullPolicy.Wait;
        flows.Validate();
        publishing.Validate();
        FileInfo file = parse.GetValue(Pcap)!;
        CaptureFileAccess access = parse.GetValue(FileAccess) == "stream" ? CaptureFileAccess.Stream : CaptureFileAccess.Mapped;
        return new ReplayOptions(file.FullName, parse.GetValue(Speed), flows, publishing, FileAccess: access, Threads: parse.GetValue(Threads));
    }

    private static async Task<ReplaySummary> ShowProgressAsync(IAnsiConsole console, ReplayPipeline pipeline)
    {
        ReplaySummary? summary = null;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask(Markup.Escape(pipeline.Name), maxValue: 1.0);
                Task<ReplaySummary> completion = pipeline.Completion;
                while (!completion.IsCompleted)
                {
                    Describe(task, pipeline.GetProgress());
                    await Task.WhenAny(completion, Task.Delay(ProgressInterval)).ConfigureAwait(false);
                }

                summary = await completion.ConfigureAwait(false);
                Describe(task, pipeline.GetProgress());
                task.StopTask();
            }).ConfigureAwait(false);
        return summary!;
    }

    private static void Describe(ProgressTask task, ReplayProgress progress)
    {
        task.Value = progress.Fraction;
        task.Description = Markup.Escape(
            $"{progress.PacketsRead:N0} packets · {progress.Flows.ActiveFlows:N0} flows · {progress.Flows.TotalEdges:N0} edges · " +
            $"{progress.Publishing.BatchesPublished:N0} batches, {progress.Publishing.BatchesDropped:N0} dropped");
    }
}
