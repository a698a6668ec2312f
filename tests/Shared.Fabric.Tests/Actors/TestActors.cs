using NerfEngine.Shared.Fabric.Actors;

namespace NerfEngine.Tests.SharedFabric.Actors;

/// <summary>Lifecycle reports sent by test actors to a probe.</summary>
internal sealed record Started(string Name, int Incarnation);

internal sealed record Restarting(string Name, string Reason);

internal sealed record Stopped(string Name);

internal sealed record Handled(string Name, int Value, int HandledByThisIncarnation);

internal sealed record Blocked(string Name);

/// <summary>Protocol of <see cref="Worker"/>.</summary>
internal abstract record WorkerCommand;

internal sealed record Work(int Value) : WorkerCommand;

internal sealed record Fail(string Reason) : WorkerCommand;

/// <summary>Handler waits for the gate, so tests can fill the mailbox behind it.</summary>
internal sealed record Block(Task Gate) : WorkerCommand;

/// <summary>Counts incarnations across restarts (each instance is new, the counter is shared).</summary>
internal sealed class StartCounter
{
    private int _count;

    public int Next() => Interlocked.Increment(ref _count);
}

/// <summary>
/// A worker that reports its lifecycle and every handled message to a monitor, and fails on demand.
/// Its per-incarnation counter shows whether state survived (Resume) or was reset (Restart).
/// </summary>
internal sealed class Worker(IActorRef<object> monitor, StartCounter starts) : Actor<WorkerCommand>
{
    private int _handled;

    /// <summary>Props with its own incarnation counter, shared by all incarnations these props create.</summary>
    public static Props<WorkerCommand> Props(IActorRef<object> monitor) => Props(monitor, new StartCounter());

    public static Props<WorkerCommand> Props(IActorRef<object> monitor, StartCounter starts) =>
        NerfEngine.Shared.Fabric.Actors.Props.Create(() => new Worker(monitor, starts));

    protected internal override ValueTask PreStartAsync()
    {
        monitor.Tell(new Started(Self.Name, starts.Next()));
        return default;
    }

    protected internal override ValueTask PreRestartAsync(Exception reason)
    {
        monitor.Tell(new Restarting(Self.Name, reason.Message));
        return default;
    }

    protected internal override ValueTask PostStopAsync()
    {
        monitor.Tell(new Stopped(Self.Name));
        return default;
    }

    protected internal override async ValueTask OnReceiveAsync(WorkerCommand message)
    {
        switch (message)
        {
            case Work work:
                monitor.Tell(new Handled(Self.Name, work.Value, ++_handled));
                break;
            case Fail fail:
                throw new InvalidOperationException(fail.Reason);
            case Block block:
                monitor.Tell(new Blocked(Self.Name));
                await block.Gate;
                break;
        }
    }
}
