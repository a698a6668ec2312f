using System.Threading.Channels;
using NerfEngine.Shared.Fabric.Transport;

namespace NerfEngine.Tests.SharedFabric.Transport;

/// <summary>Records deliveries as a handler sees them, so a test can await them one by one.</summary>
internal sealed class DeliveryLog
{
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(5);

    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();

    /// <summary>What the handler saw; the payload is copied because the transport recycles it after settling.</summary>
    public sealed record Received(EdgeBatchDelivery Delivery, string SensorId, ulong BatchSequence, byte[] Payload);

    /// <summary>A handler that logs and then runs <paramref name="settle"/> (or leaves the delivery unsettled when null).</summary>
    public EdgeBatchHandler Handler(Func<EdgeBatchDelivery, ValueTask>? settle = null) => async (delivery, _) =>
    {
        EdgeBatchMessage message = delivery.Message;
        _received.Writer.TryWrite(new Received(delivery, message.SensorId, message.BatchSequence, message.Payload.ToArray()));
        if (settle is not null)
        {
            await settle(delivery);
        }
    };

    public async Task<Received> NextAsync() => await _received.Reader.ReadAsync().AsTask().WaitAsync(SafetyNet);

    public async Task<List<Received>> NextAsync(int count)
    {
        var items = new List<Received>();
        for (int i = 0; i < count; i++)
        {
            items.Add(await NextAsync());
        }

        return items;
    }

    public bool TryNext(out Received? received) => _received.Reader.TryRead(out received);
}
