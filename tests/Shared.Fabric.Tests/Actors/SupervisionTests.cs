using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Actors.Testing;
using static NerfEngine.Tests.SharedFabric.Actors.ActorTestKit;

namespace NerfEngine.Tests.SharedFabric.Actors;

public sealed class SupervisionTests
{
    [Fact]
    public async Task Failed_actor_is_restarted_after_an_exponentially_growing_backoff()
    {
        var time = new ManualTimeProvider();
        var strategy = SupervisorStrategy.Default with
        {
            Backoff = new RestartBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), 2.0),
            MaxRestarts = null,
        };
        await using var system = CreateSystem(time, strategy);
        var probe = new TestProbe(system);
        var worker = system.Spawn(Worker.Props(probe.Ref<object>()), "worker");
        await probe.ExpectMsgAsync(new Started("worker", 1), Expect);

        // Backoffs: 1 s, 2 s, then capped at 3 s. The backoff timer is armed before PreRestart reports.
        var expectedBackoffs = new[] { 1, 2, 3 };
        for (var i = 0; i < expectedBackoffs.Length; i++)
        {
            worker.Tell(new Fail("boom"));
            await probe.ExpectMsgAsync(new Restarting("worker", "boom"), Expect);

            time.Advance(TimeSpan.FromSeconds(expectedBackoffs[i]) - TimeSpan.FromMilliseconds(1));
            await probe.ExpectNoMsgAsync(Quiet);

            time.Advance(TimeSpan.FromMilliseconds(1));
            await probe.ExpectMsgAsync(new Started("worker", i + 2), Expect);
        }
    }

    [Fact]
    public async Task Mailbox_survives_a_restart_and_only_the_failed_message_is_lost()
    {
        var time = new ManualTimeProvider();
        var strategy = SupervisorStrategy.Default with { Backoff = new RestartBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 1.0) };
        await using var system = CreateSystem(time, strategy);
        var probe = new TestProbe(system);
        var gate = new TaskCompletionSource();
        var worker = system.Spawn(Worker.Props(probe.Ref<object>()), "worker");
        await probe.ExpectMsgAsync<Started>(Expect);

        // Queue everything behind a blocked handler so the failure happens with messages waiting.
        worker.Tell(new Block(gate.Task));
        await probe.ExpectMsgAsync<Blocked>(Expect);
        worker.Tell(new Work(1));
        worker.Tell(new Fail("boom"));
        worker.Tell(new Work(2));
        worker.Tell(new Work(3));
        gate.SetResult();

        await probe.ExpectMsgAsync(new Handled("worker", 1, 1), Expect);
        await probe.ExpectMsgAsync(new Restarting("worker", "boom"), Expect);
        worker.Tell(new Work(4)); // arrives during the backoff: kept as well
        time.Advance(TimeSpan.FromSeconds(1));
        await probe.ExpectMsgAsync(new Started("worker", 2), Expect);

        // The new incarnation starts counting from 1: state was reset, messages were not.
        await probe.ExpectMsgAsync(new Handled("worker", 2, 1), Expect);
        await probe.ExpectMsgAsync(new Handled("worker", 3, 2), Expect);
        await probe.ExpectMsgAsync(new Handled("worker", 4, 3), Expect);
        Assert.Equal(0, system.DeadLetterCount);
    }

    [Fact]
    public async Task Resume_keeps_the_instance_and_its_state()
    {
        await using var system = CreateSystem(strategy: SupervisorStrategy.OneForOne(_ => SupervisorDirective.Resume));
        var probe = new TestProbe(system);
        var worker = system.Spawn(Worker.Props(probe.Ref<object>()), "worker");
        await probe.ExpectMsgAsync<Started>(Expect);

        worker.Tell(new Work(1));
        worker.Tell(new Fail("ignored"));
        worker.Tell(new Work(2));

        await probe.ExpectMsgAsync(new Handled("worker", 1, 1), Expect);
        await probe.ExpectMsgAsync(new Handled("worker", 2, 2), Expect);
        await probe.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task Exceeding_the_restart_limit_stops_the_actor_and_watchers_see_it()
    {
        await using var system = CreateSystem(strategy: ImmediateRestart(maxRestarts: 2));
        var probe = new TestProbe(system);
        var worker = system.Spawn(Worker.Props(probe.Ref<object>()), "worker");
        probe.Watch(worker);
        await probe.ExpectMsgAsync(new Started("worker", 1), Expect);

        for (var restart = 1; restart <= 2; restart++)
        {
            worker.Tell(new Fail("again"));
            await probe.ExpectMsgAsync<Restarting>(Expect);
            await probe.ExpectMsgAsync(new Started("worker", restart + 1), Expect);
        }

        worker.Tell(new Fail("once too often"));
        await probe.ExpectMsgAsync(new Stopped("worker"), Expect);
        await probe.ExpectTerminatedAsync(worker, Expect);
    }

    [Fact]
    public async Task Stop_directive_stops_only_the_failing_child()
    {
        await using var system = CreateSystem();
        var probe = new TestProbe(system);
        var parent = system.Spawn(
            Props.Create(() => new Parent(probe.Ref<object>(), new StartCounter()))
                .WithSupervisorStrategy(SupervisorStrategy.OneForOne(_ => SupervisorDirective.Stop)),
            "parent");
        await probe.FishForMessageAsync<Started>(s => s.Name == "child", Expect);

        parent.Tell(new SpawnSecondChild());
        await probe.FishForMessageAsync<Started>(s => s.Name == "sibling", Expect);

        parent.Tell(new ToChild("child", new Fail("fatal")));
        await probe.ExpectMsgAsync(new Stopped("child"), Expect);

        parent.Tell(new ToChild("sibling", new Work(7)));
        await probe.ExpectMsgAsync(new Handled("sibling", 7, 1), Expect);
    }

    [Fact]
    public async Task Escalate_stops_the_child_and_the_parent_is_handled_by_its_own_supervisor()
    {
        // Top-level parent: restarted at once by the system strategy; its children escalate.
        await using var system = CreateSystem(strategy: ImmediateRestart());
        var probe = new TestProbe(system);
        var parentStarts = new StartCounter();
        var parent = system.Spawn(
            Props.Create(() => new Parent(probe.Ref<object>(), parentStarts))
                .WithSupervisorStrategy(SupervisorStrategy.OneForOne(_ => SupervisorDirective.Escalate)),
            "parent");
        await probe.FishForMessageAsync<Started>(s => s.Name == "parent" && s.Incarnation == 1, Expect);

        parent.Tell(new ToChild("child", new Fail("escalate me")));

        // The failure reaches the parent, which restarts and re-creates its child in PreStart.
        await probe.FishForMessageAsync<Restarting>(r => r.Name == "parent" && r.Reason == "escalate me", Expect);
        await probe.FishForMessageAsync<Started>(s => s.Name == "parent" && s.Incarnation == 2, Expect);
        parent.Tell(new ToChild("child", new Work(1)));
        await probe.FishForMessageAsync<Handled>(h => h.Name == "child" && h.Value == 1, Expect);
    }

    [Fact]
    public async Task Escalation_from_a_top_level_actor_stops_it()
    {
        await using var system = CreateSystem(strategy: SupervisorStrategy.OneForOne(_ => SupervisorDirective.Escalate));
        var probe = new TestProbe(system);
        var worker = system.Spawn(Worker.Props(probe.Ref<object>()), "worker");
        probe.Watch(worker);
        await probe.ExpectMsgAsync<Started>(Expect);

        worker.Tell(new Fail("nobody above"));

        await probe.ExpectMsgAsync<Stopped>(Expect);
        await probe.ExpectTerminatedAsync(worker, Expect);
    }

    [Fact]
    public async Task Failure_in_PreStart_is_retried_until_it_succeeds()
    {
        await using var system = CreateSystem(strategy: ImmediateRestart(maxRestarts: 5));
        var probe = new TestProbe(system);
        var attempts = new StartCounter();
        var actor = system.Spawn(Props.Create(() => new FlakyStarter(probe.Ref<object>(), attempts, failures: 2)), "flaky");

        await probe.ExpectMsgAsync(new Started("flaky", 3), Expect);
        actor.Tell(5);
        await probe.ExpectMsgAsync(5, Expect);
    }

    [Fact]
    public async Task Decider_can_choose_by_exception_type()
    {
        var strategy = SupervisorStrategy.OneForOne(ex => ex is ArgumentException ? SupervisorDirective.Resume : SupervisorDirective.Stop);
        await using var system = CreateSystem(strategy: strategy);
        var probe = new TestProbe(system);
        var actor = system.Spawn(Props.Create(() => new FlakyStarter(probe.Ref<object>(), new StartCounter(), failures: 0)), "picky");
        probe.Watch(actor);
        await probe.ExpectMsgAsync<Started>(Expect);

        actor.Tell(-1); // ArgumentException → Resume
        actor.Tell(1);
        await probe.ExpectMsgAsync(1, Expect);
        actor.Tell(0); // InvalidOperationException → Stop
        await probe.ExpectTerminatedAsync(actor, Expect);
    }

    private abstract record ParentCommand;

    private sealed record ToChild(string Name, WorkerCommand Command) : ParentCommand;

    private sealed record SpawnSecondChild : ParentCommand;

    /// <summary>Creates a "child" worker in PreStart and forwards commands to children by name.</summary>
    private sealed class Parent(IActorRef<object> monitor, StartCounter starts) : Actor<ParentCommand>
    {
        private readonly Dictionary<string, IActorRef<WorkerCommand>> _children = [];

        protected internal override ValueTask PreStartAsync()
        {
            _children["child"] = Context.Spawn(Worker.Props(monitor), "child");
            monitor.Tell(new Started(Self.Name, starts.Next()));
            return default;
        }

        protected internal override ValueTask PreRestartAsync(Exception reason)
        {
            monitor.Tell(new Restarting(Self.Name, reason.Message));
            return default;
        }

        protected internal override ValueTask OnReceiveAsync(ParentCommand message)
        {
            switch (message)
            {
                case SpawnSecondChild:
                    _children["sibling"] = Context.Spawn(Worker.Props(monitor), "sibling");
                    break;
                case ToChild toChild:
                    _children[toChild.Name].Tell(toChild.Command);
                    break;
            }

            return default;
        }
    }

    /// <summary>Fails in PreStart for its first attempts; then echoes ints, throwing for ≤ 0.</summary>
    private sealed class FlakyStarter(IActorRef<object> monitor, StartCounter attempts, int failures) : Actor<int>
    {
        protected internal override ValueTask PreStartAsync()
        {
            var attempt = attempts.Next();
            if (attempt <= failures)
            {
                throw new InvalidOperationException($"start attempt {attempt} failed");
            }

            monitor.Tell(new Started(Self.Name, attempt));
            return default;
        }

        protected internal override ValueTask OnReceiveAsync(int message) => message switch
        {
            < 0 => throw new ArgumentException("negative"),
            0 => throw new InvalidOperationException("zero"),
            _ => Reply(message),
        };

        private ValueTask Reply(int message)
        {
            monitor.Tell(message);
            return default;
        }
    }
}
