using NerfEngine.Shared.Fabric.Actors;

namespace NerfEngine.Sensor.Capture.AfPacket;

/// <summary>Messages of an <see cref="AfPacketWorkerActor"/>.</summary>
internal abstract record AfPacketWorkerCommand;

/// <summary>The reader thread died; the actor fails so its supervisor restarts it with a fresh ring.</summary>
internal sealed record ReaderFaulted(Exception Reason) : AfPacketWorkerCommand;

/// <summary>Raised by a worker actor whose reader thread failed, for the supervisor to act on.</summary>
internal sealed class AfPacketReaderFailedException(int worker, Exception reason)
    : Exception($"AF_PACKET reader {worker} failed: {reason.Message}", reason);

/// <summary>
/// The capture actor of one ring: it owns the ring (nothing else touches that memory) through the
/// <see cref="AfPacketWorker"/> it starts, whose reader is a dedicated thread because poll blocks.
/// A failed reader fails the actor; the supervisor restarts it with backoff and the new incarnation
/// opens a new ring and rejoins the fanout group. Stopping the actor stops the reader and closes the ring.
/// </summary>
internal sealed class AfPacketWorkerActor(AfPacketWorkerSlot slot) : Actor<AfPacketWorkerCommand>
{
    private AfPacketWorker? _worker;

    protected override ValueTask PreStartAsync()
    {
        try
        {
            IActorRef<AfPacketWorkerCommand> self = Self;
            _worker = slot.StartWorker(reason => self.Tell(new ReaderFaulted(reason)));
        }
        catch (Exception ex)
        {
            slot.RecordError($"worker {slot.Index} could not restart: {ex.Message}");
            throw;
        }
        return default;
    }

    protected override ValueTask OnReceiveAsync(AfPacketWorkerCommand message) => message switch
    {
        ReaderFaulted faulted => throw new AfPacketReaderFailedException(slot.Index, faulted.Reason),
        _ => default,
    };

    protected override ValueTask PostStopAsync()
    {
        if (_worker is not null)
        {
            slot.Retire(_worker);
            _worker = null;
        }
        return default;
    }
}
