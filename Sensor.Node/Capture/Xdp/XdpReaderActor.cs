using NerfEngine.Shared.Fabric.Actors;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>Messages of an <see cref="XdpReaderActor"/>.</summary>
internal abstract record XdpReaderCommand;

/// <summary>The reader thread died; the actor fails so its supervisor restarts it with a fresh reader.</summary>
internal sealed record XdpReaderFaulted(Exception Reason) : XdpReaderCommand;

/// <summary>Raised by the reader actor whose thread failed, for the supervisor to act on.</summary>
internal sealed class XdpReaderFailedException(Exception reason)
    : Exception($"XDP reader failed: {reason.Message}", reason);

/// <summary>
/// The capture actor of the XDP engine: it owns the ring buffers and the map drains (nothing else touches
/// them) through the <see cref="XdpReader"/> it starts. A failed reader fails the actor; the supervisor
/// restarts it with backoff, and the new incarnation maps the rings again (the program stays attached, and
/// what the kernel buffered meanwhile is read then). Stopping the actor stops the reader.
/// </summary>
internal sealed class XdpReaderActor(XdpReaderSlot slot) : Actor<XdpReaderCommand>
{
    private XdpReader? _reader;

    protected override ValueTask PreStartAsync()
    {
        try
        {
            IActorRef<XdpReaderCommand> self = Self;
            _reader = slot.StartReader(reason => self.Tell(new XdpReaderFaulted(reason)));
        }
        catch (Exception ex)
        {
            slot.RecordError($"XDP reader could not restart: {ex.Message}");
            throw;
        }
        return default;
    }

    protected override ValueTask OnReceiveAsync(XdpReaderCommand message) => message switch
    {
        XdpReaderFaulted faulted => throw new XdpReaderFailedException(faulted.Reason),
        _ => default,
    };

    protected override ValueTask PostStopAsync()
    {
        if (_reader is not null)
        {
            slot.Retire(_reader);
            _reader = null;
        }
        return default;
    }
}
