using Microsoft.Extensions.Configuration;
using NerfEngine.Shared.Fabric.Transport;
using NerfEngine.Shared.Fabric.Transport.RabbitMq;

namespace NerfEngine.Tests.SharedFabric.Transport.RabbitMq;

public sealed class EdgeTransportConfigurationTests
{
    [Fact]
    public void In_process_is_the_default_and_rabbitmq_is_chosen_by_Transport_Kind()
    {
        Assert.Equal(EdgeTransportKind.InProcess, EdgeTransportConfiguration.ReadKind(Config()));
        Assert.Equal(EdgeTransportKind.RabbitMq, EdgeTransportConfiguration.ReadKind(Config(("Transport:Kind", "RabbitMQ"))));
        var error = Assert.Throws<ArgumentException>(() => EdgeTransportConfiguration.ReadKind(Config(("Transport:Kind", "kafka"))));
        Assert.Contains("Transport:Kind", error.Message);
    }

    [Fact]
    public void The_rabbitmq_section_binds_over_the_named_defaults()
    {
        RabbitMqTransportOptions options = EdgeTransportConfiguration.ReadRabbitMq(Config(
            ("Transport:RabbitMq:Uri", "amqp://nerf:pw@mq1:5672/nerf"), ("Transport:RabbitMq:PartitionCount", "16"),
            ("Transport:RabbitMq:Overflow", "RejectPublish"), ("Transport:RabbitMq:PublishTimeout", "00:00:05")));

        Assert.Equal(("amqp://nerf:pw@mq1:5672/nerf", 16, PartitionOverflow.RejectPublish, TimeSpan.FromSeconds(5)),
            (options.Uri, options.PartitionCount, options.Overflow, options.PublishTimeout));
        Assert.Equal(RabbitMqTransportOptions.DefaultMaxPublishesInFlight, options.MaxPublishesInFlight);
        Assert.Equal("amqp://nerf@mq1:5672/nerf", options.RedactedUri());
        Assert.Equal("nerf.edges.p3", options.QueueName(3));
    }

    [Fact]
    public void A_bad_value_names_its_setting()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            EdgeTransportConfiguration.ReadRabbitMq(Config(("Transport:RabbitMq:MaxPublishesInFlight", "0"))));
        Assert.Contains("Transport:RabbitMq:MaxPublishesInFlight", error.Message);
        var uri = Assert.Throws<ArgumentException>(() => EdgeTransportConfiguration.ReadRabbitMq(Config(("Transport:RabbitMq:Uri", "http://x"))));
        Assert.Contains("Transport:RabbitMq:Uri", uri.Message);
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
