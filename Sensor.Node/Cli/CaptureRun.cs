using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using NerfEngine.Sensor.Capture.AfPacket;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Sensor.Publishing;
using NerfEngine.Shared.Fabric.Hosting;
using NerfEngine.Shared.Fabric.Transport;
using Spectre.Console;

namespace NerfEngine.Sensor.Cli;

/// <summary>
/// What every <c>capture</c> engine's run shares, so each keeps only what differs (its options, its
/// banner and status line, its summary's rows): the console and logging, the transport <c>Transport:Kind</c>
/// selects (in-process with its decoding consumer, or RabbitMQ), start with the clear error, the stop signal and the live status line, the drain,
/// and the summary's common parts (the <c>delivered</c> and <c>transport</c> counters, the top-edges table, indented JSON).
/// </summary>
internal sealed class CaptureRun : IAsyncDisposable
{
    /// <summary>How often the live status line is printed.</summary>
    public static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long the consumer may take to take the last batches after the engine stopped.</summary>
    public static readonly TimeSpan ConsumerDrainTimeout = TimeSpan.FromSeconds(5);

    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    private CaptureRun(ParseResult parse, ILoggerFactory loggerFactory, SensorTransport transport)
    {
        Output = parse.InvocationConfiguration.Output;
        Error = parse.InvocationConfiguration.Error;
        Json = parse.GetValue(CaptureCommand.Json);
        Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Output) });
        LoggerFactory = loggerFactory;
        Sensor = transport;
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    /// <summary>True when only the JSON summary is printed (no banner, no status line).</summary>
    public bool Json { get; }

    public IAnsiConsole Console { get; }

    /// <summary>Warnings and errors of the engine, on stderr.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The transport <c>Transport:Kind</c> selects, with its local consumer when in-process.</summary>
    public SensorTransport Sensor { get; }

    /// <summary>Where the engine publishes its batches.</summary>
    public IEdgeBatchTransport Transport => Sensor.Transport;

    /// <summary>
    /// The transport (in-process with its decoding consumer, or connected to the broker); null after one
    /// <c>error:</c> line when it cannot be created (exit code 2). Dispose the run after the engine.
    /// </summary>
    public static async Task<CaptureRun?> TryCreateAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        ILoggerFactory loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(console => console.SingleLine = true));
        IConfiguration configuration = NodeHost.BuildConfiguration(CommonOptions.Overrides(parse));
        SensorTransport? transport = await SensorTransport.TryConnectAsync(
            configuration, new InProcessTransportOptions(), parse.InvocationConfiguration.Error, loggerFactory, cancellationToken).ConfigureAwait(false);
        if (transport is null)
        {
            loggerFactory.Dispose();
            return null;
        }

        return new CaptureRun(parse, loggerFactory, transport);
    }

    /// <summary>
    /// The whole run of an engine that captures packets by itself (AF_PACKET, XDP): options, the run, start, the status
    /// line until the stop signal, stop, drain, then the summary as JSON or text. Each engine gives only what differs.
    /// </summary>
    public static async Task<int> RunPacketEngineAsync<TOptions, TEngine, TSummary>(
        ParseResult parse,
        Func<ParseResult, TOptions> readOptions,
        Func<TOptions, CaptureRun, TEngine> open,
        Func<CaptureStats, string> statusExtra,
        Func<TEngine, string> banner,
        Func<TEngine, TSummary> summarize,
        Func<TSummary, JsonObject> toJson,
        Action<CaptureRun, TSummary> render,
        CancellationToken cancellationToken)
        where TOptions : class
        where TEngine : ICaptureEngine
    {
        (TOptions? options, int exitCode) = await ReadOptionsAsync(parse, readOptions).ConfigureAwait(false);
        if (options is null)
        {
            return exitCode;
        }

        await using CaptureRun? run = await TryCreateAsync(parse, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return CliRunner.UsageError;
        }

        await using TEngine engine = open(options, run);
        if (!await run.TryStartAsync(engine, cancellationToken).ConfigureAwait(false))
        {
            return CliRunner.UsageError;
        }

        var status = new CaptureStatusLine(engine, "packets", statusExtra);
        await run.WaitAsync(parse.GetValue(CaptureCommand.Duration), banner(engine), status.Next, cancellationToken).ConfigureAwait(false);
        await engine.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await run.DrainAsync().ConfigureAwait(false);

        TSummary summary = summarize(engine);
        if (run.Json)
        {
            await run.WriteJsonAsync(toJson(summary)).ConfigureAwait(false);
        }
        else
        {
            render(run, summary);
        }

        return 0;
    }

    /// <summary>Options of a verb, or the one-line error and exit code 2 that bad ones get.</summary>
    public static async Task<(T? Options, int ExitCode)> ReadOptionsAsync<T>(ParseResult parse, Func<ParseResult, T> read)
        where T : class
    {
        try
        {
            return (read(parse), 0);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or FileNotFoundException)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return (null, CliRunner.UsageError);
        }
    }

    /// <summary>Starts the engine; false (after printing the engine's clear error) when it could not start.</summary>
    public async Task<bool> TryStartAsync(ICaptureEngine engine, CancellationToken cancellationToken)
    {
        try
        {
            await engine.StartAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (CaptureStartException ex)
        {
            await Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>
    /// Runs for <paramref name="seconds"/> (0: until Ctrl+C or SIGTERM), printing <paramref name="banner"/>
    /// (markup) once and <paramref name="status"/> (markup) every <see cref="StatusInterval"/>, unless JSON was asked for.
    /// </summary>
    public async Task WaitAsync(double seconds, string banner, Func<string> status, CancellationToken cancellationToken)
    {
        using var stop = new CaptureStopSignal(seconds, cancellationToken);
        if (Json)
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return;
        }

        Console.MarkupLine(banner);
        if (Console.Profile.Capabilities.Interactive)
        {
            await Console.Live(new Markup(status())).StartAsync(async live =>
            {
                while (!stop.IsStopRequested)
                {
                    await Task.Delay(StatusInterval, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    live.UpdateTarget(new Markup(status()));
                }
            });
            return;
        }

        while (!stop.IsStopRequested)
        {
            await Task.Delay(StatusInterval, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            Console.MarkupLine(status());
        }
    }

    /// <summary>After the engine stopped: lets the consumer take what is left in the transport.</summary>
    public async Task DrainAsync()
    {
        await Sensor.DrainAsync(ConsumerDrainTimeout).ConfigureAwait(false);
    }

    /// <summary>Adds the consumer's counters to <paramref name="document"/> and prints it, indented, on stdout.</summary>
    public async Task WriteJsonAsync(JsonObject document)
    {
        if (Sensor.Delivered is { } delivered)
        {
            document["delivered"] = new JsonObject
            {
                ["batches"] = delivered.Batches,
                ["edges"] = delivered.Edges,
                ["node_addresses"] = delivered.NodeAddresses,
                ["malformed"] = delivered.Malformed,
            };
        }

        document["transport"] = Sensor.ToJson();
        await Output.WriteLineAsync(document.ToJsonString(IndentedJson)).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends an engine's summary table the same way for every engine: batches and transport rows, the engine's own last
    /// rows (<paramref name="engineRows"/>), the last error; then writes it and the top edges.
    /// </summary>
    public void RenderSummary(Table totals, PublishingStats publishing, CaptureStats capture, IReadOnlyList<CapturedEdge> edges, Action<Table>? engineRows = null)
    {
        totals.AddRow("batches published / dropped", $"{publishing.BatchesPublished:N0} / {publishing.BatchesDropped:N0}");
        Sensor.AddRows(totals);
        engineRows?.Invoke(totals);
        if (capture.LastError is not null)
        {
            totals.AddRow("[red]last error[/]", Markup.Escape(capture.LastError));
        }

        Console.Write(totals);
        RenderTopEdges(edges);
    }

    /// <summary>The largest <see cref="CaptureCommand.TextEdgeRows"/> edges as a table (nothing when there are none).</summary>
    private void RenderTopEdges(IReadOnlyList<CapturedEdge> edges)
    {
        if (edges.Count == 0)
        {
            return;
        }

        var table = new Table().Title($"top edges ({Math.Min(CaptureCommand.TextEdgeRows, edges.Count)} of {edges.Count})")
            .AddColumns("source", "destination", "proto", "packets", "bytes");
        foreach (CapturedEdge edge in edges.Take(CaptureCommand.TextEdgeRows))
        {
            table.AddRow($"{edge.Source}:{edge.SourcePort}", $"{edge.Destination}:{edge.DestinationPort}", edge.Protocol.ToString(),
                $"{edge.Packets:N0}", $"{edge.Bytes:N0}");
        }

        Console.Write(table);
    }

    public async ValueTask DisposeAsync()
    {
        await Sensor.DisposeAsync().ConfigureAwait(false);
        LoggerFactory.Dispose();
    }
}
