using System.Collections.Concurrent;
using NerfEngine.Shared.Fabric.Actors;
using static NerfEngine.Tests.SharedFabric.Actors.ActorTestKit;

namespace NerfEngine.Tests.SharedFabric.Actors;

public sealed class CoordinatedShutdownTests
{
    /// <summary>Spawns a chain of descendants in PreStart and records its PostStop in a shared log.</summary>
    private sealed class Node(int depth, ConcurrentQueue<string> stopLog) : Actor<string>
    {
        protected internal override ValueTask PreStartAsync()
        {
            if (depth > 0)
            {
                Context.Spawn(Props.Create(() => new Node(depth - 1, stopLog)), $"level{depth - 1}");
            }

            return default;
        }

        protected internal override ValueTask OnReceiveAsync(string message) => default;

        protected internal override async ValueTask PostStopAsync()
        {
            await Task.Yield(); // a slow-ish PostStop must still finish before the parent's begins
            stopLog.Enqueue(Self.Name);
        }
    }

    [Fact]
    public async Task Phases_run_in_order_and_each_runs_once()
    {
        var system = CreateSystem();
        var ran = new ConcurrentQueue<string>();
        var shutdown = system.CoordinatedShutdown;
        shutdown.AddTask(CoordinatedShutdown.ActorSystemTerminate, "last", _ => Record(CoordinatedShutdown.ActorSystemTerminate));
        shutdown.AddTask(CoordinatedShutdown.ServiceStop, "stop-capture", _ => Record(CoordinatedShutdown.ServiceStop));
        shutdown.AddTask(CoordinatedShutdown.BeforeServiceUnbind, "first", _ => Record(CoordinatedShutdown.BeforeServiceUnbind));
        shutdown.AddTask(CoordinatedShutdown.ClusterLeave, "leave", _ => Record(CoordinatedShutdown.ClusterLeave));

        var first = system.TerminateAsync();
        var second = shutdown.RunAsync();
        await first;
        await second;
        await system.TerminateAsync();

        Assert.Equal(
            [CoordinatedShutdown.BeforeServiceUnbind, CoordinatedShutdown.ServiceStop, CoordinatedShutdown.ClusterLeave, CoordinatedShutdown.ActorSystemTerminate],
            ran);
        Assert.True(system.WhenTerminated.IsCompletedSuccessfully);

        Task Record(string phase)
        {
            ran.Enqueue(phase);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Terminate_stops_children_before_their_parents_after_the_service_phases()
    {
        var system = CreateSystem();
        var stopLog = new ConcurrentQueue<string>();
        system.Spawn(Props.Create(() => new Node(2, stopLog)), "level2");
        system.Spawn(Props.Create(() => new Node(0, stopLog)), "other");
        var actorsAliveDuringServiceStop = -1;
        system.CoordinatedShutdown.AddTask(CoordinatedShutdown.ServiceStop, "observe", _ =>
        {
            actorsAliveDuringServiceStop = system.TopLevelActorCount;
            return Task.CompletedTask;
        });

        await system.TerminateAsync();

        Assert.Equal(2, actorsAliveDuringServiceStop);
        var order = stopLog.ToList();
        Assert.Equal(4, order.Count);
        Assert.True(order.IndexOf("level0") < order.IndexOf("level1"), string.Join(",", order));
        Assert.True(order.IndexOf("level1") < order.IndexOf("level2"), string.Join(",", order));
        Assert.Equal(0, system.TopLevelActorCount);
        Assert.Throws<InvalidOperationException>(() => system.Spawn(Props.Create(() => new Node(0, stopLog))));
    }

    [Fact]
    public async Task A_phase_that_times_out_does_not_block_later_phases()
    {
        var system = ActorSystem.Create("shutdown", new ActorSystemOptions
        {
            ShutdownPhases = [new("stuck", TimeSpan.FromMilliseconds(50)), new("after", TimeSpan.FromSeconds(5))],
        });
        var stuckWasCancelled = new TaskCompletionSource();
        var afterRan = false;
        system.CoordinatedShutdown.AddTask("stuck", "never-finishes", async token =>
        {
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, token);
            }
            catch (OperationCanceledException)
            {
                stuckWasCancelled.SetResult();
                throw;
            }
        });
        system.CoordinatedShutdown.AddTask("after", "runs-anyway", _ =>
        {
            afterRan = true;
            return Task.CompletedTask;
        });

        await system.TerminateAsync();

        Assert.True(afterRan);
        await stuckWasCancelled.Task.WaitAsync(Expect); // its token was cancelled, though shutdown did not wait for it
    }

    [Fact]
    public async Task A_failing_task_does_not_stop_shutdown()
    {
        var system = CreateSystem();
        var later = false;
        system.CoordinatedShutdown.AddTask(CoordinatedShutdown.ServiceStop, "throws", _ => throw new InvalidOperationException("bad task"));
        system.CoordinatedShutdown.AddTask(CoordinatedShutdown.ClusterLeave, "later", _ =>
        {
            later = true;
            return Task.CompletedTask;
        });

        await system.TerminateAsync();

        Assert.True(later);
    }

    [Fact]
    public async Task Tasks_for_unknown_phases_or_after_the_start_are_rejected()
    {
        var system = CreateSystem();
        var unknown = Assert.Throws<ArgumentException>(() =>
            system.CoordinatedShutdown.AddTask("no-such-phase", "x", _ => Task.CompletedTask));
        Assert.Contains(CoordinatedShutdown.ServiceStop, unknown.Message, StringComparison.Ordinal);

        await system.TerminateAsync();

        Assert.Throws<InvalidOperationException>(() =>
            system.CoordinatedShutdown.AddTask(CoordinatedShutdown.ServiceStop, "late", _ => Task.CompletedTask));
    }
}
