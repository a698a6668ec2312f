using System.Diagnostics;
using NerfEngine.Shared.Fabric.Transport;
using NerfEngine.Shared.Fabric.Transport.RabbitMq;
using RabbitMQ.Client;

namespace NerfEngine.Tests.SharedFabric.Transport.RabbitMq;

/// <summary>
/// The real RabbitMQ the tests run on: <c>NERF_TEST_RABBITMQ</c> or the local default from
/// scripts/setup-rabbitmq.sh. Unreachable means the tests FAIL (with the transport's clear error), never skip.
/// Each test gets its own exchange and queues, deleted afterwards.
/// </summary>
internal sealed class RabbitMqTestBroker : IAsyncDisposable
{
    public const string DefaultUri = "amqp://guest:guest@127.0.0.1:5672/";

    private readonly List<RabbitMqEdgeTransport> _transports = [];

    public RabbitMqTestBroker(int partitionCount = 4)
    {
        Options = new RabbitMqTransportOptions
        {
            Uri = Uri,
            Exchange = $"nerf.test.{Guid.NewGuid():N}",
            PartitionCount = partitionCount,
            RecoveryInterval = TimeSpan.FromMilliseconds(500),
            PublishTimeout = TimeSpan.FromSeconds(20),
        };
    }

    public static string Uri => Environment.GetEnvironmentVariable("NERF_TEST_RABBITMQ") is { Length: > 0 } configured ? configured : DefaultUri;

    /// <summary>Unique names for this test; tweak before the first <see cref="ConnectAsync"/>.</summary>
    public RabbitMqTransportOptions Options { get; }

    public async Task<RabbitMqEdgeTransport> ConnectAsync()
    {
        RabbitMqEdgeTransport transport = await RabbitMqEdgeTransport.ConnectAsync(Options);
        _transports.Add(transport);
        return transport;
    }

    /// <summary>Runs <c>rabbitmqctl</c> (the broker's own tool) and fails the test if it fails.</summary>
    public static async Task<string> RabbitMqCtlAsync(params string[] arguments)
    {
        var psi = new ProcessStartInfo("rabbitmqctl", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(psi)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string errors = await process.StandardError.ReadToEndAsync();
        string output = await stdout;
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"rabbitmqctl {string.Join(' ', arguments)}: {output}{errors}");
        return output;
    }

    /// <summary>Deletes the exchange from another connection, behind the transports' back (its queues stay, unbound).</summary>
    public async Task DeleteExchangeAsync()
    {
        var factory = new ConnectionFactory { Uri = new Uri(Options.Uri) };
        await using IConnection connection = await factory.CreateConnectionAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeleteAsync(Options.Exchange, ifUnused: false);
        await channel.CloseAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (RabbitMqEdgeTransport transport in _transports)
        {
            await transport.DisposeAsync();
        }

        var factory = new ConnectionFactory { Uri = new Uri(Options.Uri) };
        await using IConnection connection = await factory.CreateConnectionAsync();
        await RabbitMqTopology.DeleteAsync(connection, Options);
    }
}
