using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using NerfEngine.Shared.Fabric.Transport.RabbitMq;

namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>
/// Creates the edge-batch transport a node's configuration selects — the one place every node
/// (Control.Node's engine, Sensor.Node's verbs) goes through, so they agree on keys and defaults.
/// </summary>
public static class EdgeTransportFactory
{
    /// <summary>Reads and validates the settings; an unknown kind or a bad RabbitMQ value throws <see cref="ArgumentException"/> naming the key.</summary>
    public static EdgeTransportSettings Read(IConfiguration configuration)
    {
        EdgeTransportKind kind = EdgeTransportConfiguration.ReadKind(configuration);
        return kind == EdgeTransportKind.RabbitMq
            ? new EdgeTransportSettings(kind, EdgeTransportConfiguration.ReadRabbitMq(configuration))
            : new EdgeTransportSettings(kind, null);
    }

    /// <summary>
    /// The transport of <paramref name="settings"/>: in-process with <paramref name="inProcess"/>, or connected to
    /// the RabbitMQ broker (topology declared). An unreachable broker throws <see cref="EdgeTransportConnectionException"/>.
    /// </summary>
    public static async Task<IEdgeBatchTransport> ConnectAsync(
        EdgeTransportSettings settings, InProcessTransportOptions inProcess, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(inProcess);
        return settings.Kind switch
        {
            EdgeTransportKind.InProcess => new InProcessEdgeTransport(inProcess),
            EdgeTransportKind.RabbitMq => await RabbitMqEdgeTransport.ConnectAsync(settings.RabbitMq!, loggerFactory, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Kind, "Unknown transport kind."),
        };
    }
}
