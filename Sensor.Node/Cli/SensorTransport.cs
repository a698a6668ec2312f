using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using NerfEngine.Shared.Fabric.Transport;
using Spectre.Console;

namespace NerfEngine.Sensor.Cli;

/// <summary>
/// Where a sensor verb publishes its edge batches, as <c>Transport:Kind</c> selects (through
/// <see cref="EdgeTransportFactory"/>, as Control.Node): in-process, with a local consumer that decodes and
/// counts every batch (<see cref="Delivered"/>), or a RabbitMQ broker, consumed by a control node — no local
/// consumer, which would take the batches from it. Either way the summary carries the publishing counters.
/// </summary>
internal sealed class SensorTransport : IAsyncDisposable
{
    private readonly IEdgeBatchSubscription? _subscription;

    private SensorTransport(EdgeTransportSettings settings, IEdgeBatchTransport transport, DeliveredEdgeCounter? delivered, IEdgeBatchSubscription? subscription)
    {
        Settings = settings;
        Transport = transport;
        Delivered = delivered;
        _subscription = subscription;
    }

    public EdgeTransportSettings Settings { get; }

    /// <summary>Where the verb publishes.</summary>
    public IEdgeBatchTransport Transport { get; }

    /// <summary>The local consumer's counters; null when the batches go to a broker.</summary>
    public DeliveredEdgeCounter? Delivered { get; }

    /// <summary>Published, confirmed and dropped batches, summed over the partitions.</summary>
    public EdgePublishCounters Counters => EdgePublishCounters.Read(Transport);

    /// <summary>
    /// The transport of <paramref name="configuration"/>; null after writing one <c>error:</c> line when the
    /// settings are bad or the broker cannot be reached (the verb then exits with code 2).
    /// </summary>
    public static async Task<SensorTransport?> TryConnectAsync(
        IConfiguration configuration, InProcessTransportOptions inProcess, TextWriter error, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        EdgeTransportSettings settings;
        IEdgeBatchTransport transport;
        try
        {
            settings = EdgeTransportFactory.Read(configuration);
            transport = await EdgeTransportFactory.ConnectAsync(settings, inProcess, loggerFactory, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or EdgeTransportConnectionException)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return null;
        }

        if (settings.Kind != EdgeTransportKind.InProcess)
        {
            return new SensorTransport(settings, transport, null, null);
        }

        var delivered = new DeliveredEdgeCounter();
        IEdgeBatchSubscription subscription = await delivered.SubscribeAsync(transport, cancellationToken).ConfigureAwait(false);
        return new SensorTransport(settings, transport, delivered, subscription);
    }

    /// <summary>Lets publishes get their confirm (broker) or the consumer take the last batches (in-process), within <paramref name="timeout"/>.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        using var drain = new CancellationTokenSource(timeout);
        await Transport.ShutdownAsync(drain.Token).ConfigureAwait(false);
    }

    /// <summary>The <c>transport</c> object of a JSON summary: kind and publishing counters.</summary>
    public JsonObject ToJson()
    {
        EdgePublishCounters counters = Counters;
        return new JsonObject
        {
            ["kind"] = Settings.Kind == EdgeTransportKind.InProcess ? "inprocess" : "rabbitmq",
            ["target"] = Settings.Describe(),
            ["published"] = counters.Published,
            ["confirmed"] = counters.Confirmed,
            ["dropped"] = counters.Dropped,
        };
    }

    /// <summary>Rows of a summary table: the transport and its publishing counters, and the edges delivered in-process.</summary>
    public void AddRows(Table table)
    {
        EdgePublishCounters counters = Counters;
        table.AddRow("transport", Markup.Escape(Settings.Describe()));
        table.AddRow("transport sent / confirmed / dropped", $"{counters.Published:N0} / {counters.Confirmed:N0} / {counters.Dropped:N0}");
        if (Delivered is not null)
        {
            table.AddRow("edges delivered", $"{Delivered.Edges:N0}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync().ConfigureAwait(false);
        }

        await Transport.DisposeAsync().ConfigureAwait(false);
    }
}
