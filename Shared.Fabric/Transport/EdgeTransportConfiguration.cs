using Microsoft.Extensions.Configuration;
using NerfEngine.Shared.Fabric.Transport.RabbitMq;

namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>Which edge-batch transport a node uses (<c>Transport:Kind</c>).</summary>
public enum EdgeTransportKind
{
    /// <summary>In memory, one process (the embedded default).</summary>
    InProcess,

    /// <summary>A RabbitMQ broker (section <c>Transport:RabbitMq</c>).</summary>
    RabbitMq,
}

/// <summary>Reads the transport settings; the one place that knows the configuration keys.</summary>
public static class EdgeTransportConfiguration
{
    /// <summary>The key that selects the transport: <c>inprocess</c> (default) or <c>rabbitmq</c>.</summary>
    public const string KindKey = "Transport:Kind";

    /// <summary>The selected kind; an unknown value throws naming the key and the accepted values.</summary>
    public static EdgeTransportKind ReadKind(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? value = configuration[KindKey];
        return value?.Trim().ToLowerInvariant() switch
        {
            null or "" or "inprocess" or "in-process" => EdgeTransportKind.InProcess,
            "rabbitmq" => EdgeTransportKind.RabbitMq,
            _ => throw new ArgumentException($"{KindKey} must be 'inprocess' or 'rabbitmq' (got '{value}')."),
        };
    }

    /// <summary>Section <c>Transport:RabbitMq</c> over the named defaults, validated.</summary>
    public static RabbitMqTransportOptions ReadRabbitMq(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new RabbitMqTransportOptions();
        configuration.GetSection(RabbitMqTransportOptions.SectionName).Bind(options);
        options.Validate();
        return options;
    }
}
