using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Actors.Testing;
using static NerfEngine.Tests.SharedFabric.Actors.ActorTestKit;

namespace NerfEngine.Tests.SharedFabric.Actors;

public sealed class DeathWatchTests
{
    private abstract record WatcherCommand;

    private sealed record WatchIt(IActorRef Target) : WatcherCommand;

    private sealed record UnwatchIt(IActorRef Target) : WatcherCommand;

    private sealed record Watching(IActorRef Target);

    private sealed record Unwatched(IActorRef Target);

    /// <summary>Watches on command and reports every Terminated it gets.</summary>
    private sealed class Watcher(IActorRef<object> monitor) : Actor<WatcherCommand>
    {
        protected internal override ValueTask OnReceiveAsync(WatcherCommand message)
        {
            switch (message)
            {
                case WatchIt watch:
                    Context.Watch(watch.Target);
                    monitor.Tell(new Watching(watch.Target));
                    break;
                case UnwatchIt unwatch:
                    Context.Unwatch(unwatch.Target);
                    monitor.Tell(new Unwatched(unwatch.Target));
                    break;
            }

            return default;
        }

        protected internal override ValueTask OnTerminatedAsync(Terminated terminated)
        {
            monitor.Tell(terminated);
            return default;
        }
    }

    [Fact]
    public async Task Watcher_gets_Terminated_when_the_watched_actor_stops()
    {
        await using var system = CreateSystem();
        var probe = new TestProbe(system);
        var target = system.Spawn(Worker.Props(probe.Ref<object>()), "target");
        var watcher = system.Spawn(Props.Create(() => new Watcher(probe.Ref<object>())), "watcher");
        await probe.ExpectMsgAsync<Started>(Expect);

        watcher.Tell(new WatchIt(target));
        await probe.ExpectMsgAsync<Watching>(Expect);
        await system.StopAsync(target);

        await probe.ExpectMsgAsync(new Stopped("target"), Expect);
        await probe.ExpectMsgAsync<Terminated>(Expect, t => ReferenceEquals(t.Actor, target));
    }

    [Fact]
    public async Task Watching_an_already_dead_actor_delivers_Terminated_at_once()
    {
        await using var system = CreateSystem();
        var probe = new TestProbe(system);
        var target = system.Spawn(Worker.Props(probe.Ref<object>()), "target");
        await system.StopAsync(target);
        var watcher = system.Spawn(Props.Create(() => new Watcher(probe.Ref<object>())), "watcher");
        await probe.ExpectMsgAsync<Started>(Expect);
        await probe.ExpectMsgAsync<Stopped>(Expect);

        watcher.Tell(new WatchIt(target));

        await probe.ExpectMsgAsync<Watching>(Expect);
        await probe.ExpectMsgAsync<Terminated>(Expect, t => ReferenceEquals(t.Actor, target));
    }

    [Fact]
    public async Task Terminated_is_delivered_after_a_failure_stop()
    {
        await using var system = CreateSystem(strategy: SupervisorStrategy.OneForOne(_ => SupervisorDirective.Stop));
        var probe = new TestProbe(system);
        var target = system.Spawn(Worker.Props(probe.Ref<object>()), "target");
        var watcher = system.Spawn(Props.Create(() => new Watcher(probe.Ref<object>())), "watcher");
        await probe.ExpectMsgAsync<Started>(Expect);
        watcher.Tell(new WatchIt(target));
        await probe.ExpectMsgAsync<Watching>(Expect);

        target.Tell(new Fail("fatal"));

        await probe.ExpectMsgAsync<Stopped>(Expect);
        await probe.ExpectMsgAsync<Terminated>(Expect, t => ReferenceEquals(t.Actor, target));
    }

    [Fact]
    public async Task No_Terminated_arrives_after_Unwatch()
    {
        await using var system = CreateSystem();
        var probe = new TestProbe(system);
        var target = system.Spawn(Worker.Props(probe.Ref<object>()), "target");
        var watcher = system.Spawn(Props.Create(() => new Watcher(probe.Ref<object>())), "watcher");
        await probe.ExpectMsgAsync<Started>(Expect);
        watcher.Tell(new WatchIt(target));
        watcher.Tell(new UnwatchIt(target));
        await probe.ExpectMsgAsync<Watching>(Expect);
        await probe.ExpectMsgAsync<Unwatched>(Expect);

        await system.StopAsync(target);

        await probe.ExpectMsgAsync<Stopped>(Expect);
        await probe.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task A_test_probe_can_watch_and_expect_Terminated()
    {
        await using var system = CreateSystem();
        var probe = new TestProbe(system);
        var target = system.Spawn(Worker.Props(probe.Ref<object>()), "target");
        await probe.ExpectMsgAsync<Started>(Expect);
        probe.Watch(target);

        await system.StopAsync(target);

        await probe.ExpectMsgAsync<Stopped>(Expect);
        var terminated = await probe.ExpectTerminatedAsync(target, Expect);
        Assert.Equal("nerf://test/user/target", terminated.Actor.Path);
    }

    [Fact]
    public async Task A_stopped_child_frees_its_name_for_a_new_child()
    {
        await using var system = CreateSystem();
        var probe = new TestProbe(system);
        var first = system.Spawn(Worker.Props(probe.Ref<object>()), "reused");
        await system.StopAsync(first);

        var second = system.Spawn(Worker.Props(probe.Ref<object>()), "reused");

        Assert.NotSame(first, second);
        Assert.Throws<InvalidOperationException>(() => system.Spawn(Worker.Props(probe.Ref<object>()), "reused"));
    }
}
