using NerfEngine.Shared.Fabric.Transport.RabbitMq;

namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>
/// The transport settings read from configuration and validated: the kind (<c>Transport:Kind</c>) and,
/// for RabbitMQ, section <c>Transport:RabbitMq</c>. Reading fails early (bad values); connecting comes later.
/// </summary>
public sealed record EdgeTransportSettings(EdgeTransportKind Kind, RabbitMqTransportOptions? RabbitMq)
{
    /// <summary>A short description for banners and summaries: <c>inprocess</c> or <c>rabbitmq amqp://host/ exchange</c> (no password).</summary>
    public string Describe() => Kind == EdgeTransportKind.InProcess
        ? "inprocess"
        : $"rabbitmq {RabbitMq!.RedactedUri()} exchange {RabbitMq.Exchange}";
}
