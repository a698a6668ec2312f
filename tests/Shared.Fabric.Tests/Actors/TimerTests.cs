using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Actors.Testing;
using static NerfEngine.Tests.SharedFabric.Actors.ActorTestKit;

namespace NerfEngine.Tests.SharedFabric.Actors;

public sealed class TimerTests
{
    private abstract record TimerCommand;

    private sealed record ArmSingle(string Key, TimeSpan Delay) : TimerCommand;

    private sealed record ArmPeriodic(string Key, TimeSpan Interval) : TimerCommand;

    private sealed record CancelTimer(string Key) : TimerCommand;

    private sealed record BlockThenCancel(Task Gate, string Key) : TimerCommand;

    private sealed record Crash : TimerCommand;

    private sealed record Tick(string Key) : TimerCommand;

    private sealed record Armed(string Key);

    private sealed record Cancelled(string Key);

    /// <summary>Arms and cancels timers on command and reports each tick; reports Armed only after the timer exists.</summary>
    private sealed class TimerOwner(IActorRef<object> monitor, StartCounter starts) : Actor<TimerCommand>
    {
        protected internal override ValueTask PreStartAsync()
        {
            monitor.Tell(new Started(Self.Name, starts.Next()));
            return default;
        }

        protected internal override async ValueTask OnReceiveAsync(TimerCommand message)
        {
            switch (message)
            {
                case ArmSingle single:
                    Context.Timers.StartSingleTimer(single.Key, new Tick(single.Key), single.Delay);
                    monitor.Tell(new Armed(single.Key));
                    break;
                case ArmPeriodic periodic:
                    Context.Timers.StartPeriodicTimer(periodic.Key, new Tick(periodic.Key), periodic.Interval);
                    monitor.Tell(new Armed(periodic.Key));
                    break;
                case CancelTimer cancel:
                    Context.Timers.Cancel(cancel.Key);
                    monitor.Tell(new Cancelled(cancel.Key));
                    break;
                case BlockThenCancel block:
                    monitor.Tell(new Blocked(Self.Name));
                    await block.Gate;
                    Context.Timers.Cancel(block.Key);
                    monitor.Tell(new Cancelled(block.Key));
                    break;
                case Crash:
                    throw new InvalidOperationException("crash");
                case Tick tick:
                    monitor.Tell(tick);
                    break;
            }
        }
    }

    private static (ActorSystem System, ManualTimeProvider Time, TestProbe Probe, IActorRef<TimerCommand> Owner) Start()
    {
        var time = new ManualTimeProvider();
        var system = CreateSystem(time);
        var probe = new TestProbe(system);
        var starts = new StartCounter();
        var owner = system.Spawn(Props.Create(() => new TimerOwner(probe.Ref<object>(), starts)), "owner");
        return (system, time, probe, owner);
    }

    [Fact]
    public async Task Single_timer_fires_once_after_its_delay()
    {
        var (system, time, probe, owner) = Start();
        await using var _ = system;
        await probe.ExpectMsgAsync<Started>(Expect);
        owner.Tell(new ArmSingle("once", TimeSpan.FromSeconds(1)));
        await probe.ExpectMsgAsync<Armed>(Expect);

        time.Advance(TimeSpan.FromMilliseconds(999));
        await probe.ExpectNoMsgAsync(Quiet);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await probe.ExpectMsgAsync(new Tick("once"), Expect);

        time.Advance(TimeSpan.FromSeconds(10));
        await probe.ExpectNoMsgAsync(Quiet);
        Assert.Equal(0, time.ArmedTimerCount);
    }

    [Fact]
    public async Task Periodic_timer_fires_every_interval_until_cancelled()
    {
        var (system, time, probe, owner) = Start();
        await using var _ = system;
        await probe.ExpectMsgAsync<Started>(Expect);
        owner.Tell(new ArmPeriodic("beat", TimeSpan.FromSeconds(1)));
        await probe.ExpectMsgAsync<Armed>(Expect);

        time.Advance(TimeSpan.FromSeconds(1));
        await probe.ExpectMsgAsync(new Tick("beat"), Expect);
        time.Advance(TimeSpan.FromSeconds(3));
        var ticks = await probe.ReceiveNAsync<Tick>(3, Expect);
        Assert.All(ticks, t => Assert.Equal("beat", t.Key));

        owner.Tell(new CancelTimer("beat"));
        await probe.ExpectMsgAsync<Cancelled>(Expect);
        time.Advance(TimeSpan.FromSeconds(5));
        await probe.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task A_tick_already_queued_when_its_timer_is_cancelled_is_discarded()
    {
        var (system, time, probe, owner) = Start();
        await using var _ = system;
        await probe.ExpectMsgAsync<Started>(Expect);
        var gate = new TaskCompletionSource();
        owner.Tell(new ArmSingle("stale", TimeSpan.FromSeconds(1)));
        owner.Tell(new BlockThenCancel(gate.Task, "stale"));
        await probe.ExpectMsgAsync<Armed>(Expect);
        await probe.ExpectMsgAsync<Blocked>(Expect);

        time.Advance(TimeSpan.FromSeconds(1)); // the tick is queued behind the blocked handler
        gate.SetResult();                      // the handler then cancels the timer

        await probe.ExpectMsgAsync(new Cancelled("stale"), Expect);
        await probe.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task Timers_are_cancelled_when_the_actor_stops()
    {
        var (system, time, probe, owner) = Start();
        await using var _ = system;
        await probe.ExpectMsgAsync<Started>(Expect);
        owner.Tell(new ArmPeriodic("beat", TimeSpan.FromSeconds(1)));
        owner.Tell(new ArmSingle("once", TimeSpan.FromSeconds(5)));
        await probe.ReceiveNAsync<Armed>(2, Expect);
        Assert.Equal(2, time.ArmedTimerCount);

        await system.StopAsync(owner);

        Assert.Equal(0, time.ArmedTimerCount);
        time.Advance(TimeSpan.FromSeconds(10));
        await probe.ExpectNoMsgAsync(Quiet);
        Assert.Equal(0, system.DeadLetterCount);
    }

    [Fact]
    public async Task Timers_are_cancelled_when_the_actor_restarts()
    {
        var (system, time, probe, owner) = Start();
        await using var _ = system;
        await probe.ExpectMsgAsync(new Started("owner", 1), Expect);
        owner.Tell(new ArmPeriodic("beat", TimeSpan.FromSeconds(1)));
        await probe.ExpectMsgAsync<Armed>(Expect);

        owner.Tell(new Crash());
        await probe.ExpectMsgAsync(new Started("owner", 2), Expect);

        Assert.Equal(0, time.ArmedTimerCount);
        time.Advance(TimeSpan.FromSeconds(3));
        await probe.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task Timers_run_on_the_real_clock_by_default()
    {
        await using var system = CreateSystem();
        var probe = new TestProbe(system);
        var owner = system.Spawn(Props.Create(() => new TimerOwner(probe.Ref<object>(), new StartCounter())));
        await probe.ExpectMsgAsync<Started>(Expect);

        owner.Tell(new ArmSingle("real", TimeSpan.FromMilliseconds(20)));

        await probe.ExpectMsgAsync<Armed>(Expect);
        await probe.ExpectMsgAsync(new Tick("real"), Expect);
    }
}
