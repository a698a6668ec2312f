using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Actors.Testing;
using static NerfEngine.Tests.SharedFabric.Actors.ActorTestKit;

namespace NerfEngine.Tests.SharedFabric.Actors;

public sealed class DeadLetterTests
{
    [Fact]
    public async Task Messages_to_a_stopped_actor_are_counted_and_published_as_dead_letters()
    {
        await using var system = CreateSystem();
        var deadLetters = new CollectingObserver<DeadLetter>();
        using var subscription = system.DeadLetters.Subscribe(deadLetters);
        var probe = new TestProbe(system);
        var worker = system.Spawn(Worker.Props(probe.Ref<object>()), "worker");
        await system.StopAsync(worker);

        worker.Tell(new Work(1));
        worker.Tell(new Work(2));
        await worker.TellAsync(new Work(3));

        Assert.Equal(3, system.DeadLetterCount);
        Assert.Equal([new Work(1), new Work(2), new Work(3)], deadLetters.Items.Select(d => d.Message));
        Assert.All(deadLetters.Items, d =>
        {
            Assert.Same(worker, d.Recipient);
            Assert.Equal(DeadLetterReason.RecipientStopped, d.Reason);
        });
    }

    [Fact]
    public async Task Messages_still_queued_when_an_actor_stops_become_dead_letters()
    {
        await using var system = CreateSystem();
        var probe = new TestProbe(system);
        var gate = new TaskCompletionSource();
        var worker = system.Spawn(Worker.Props(probe.Ref<object>()), "worker");
        worker.Tell(new Block(gate.Task));
        await probe.ExpectMsgAsync<Started>(Expect);
        await probe.ExpectMsgAsync<Blocked>(Expect);
        worker.Tell(new Work(1));
        worker.Tell(new Work(2));

        var stopped = system.StopAsync(worker); // handled before the queued work: system messages go first
        gate.SetResult();
        await stopped;

        await probe.ExpectMsgAsync<Stopped>(Expect);
        Assert.Equal(2, system.DeadLetterCount);
    }

    [Fact]
    public async Task Full_bounded_mailbox_drops_Tell_as_a_dead_letter_while_TellAsync_waits_for_room()
    {
        await using var system = CreateSystem();
        var deadLetters = new CollectingObserver<DeadLetter>();
        using var subscription = system.DeadLetters.Subscribe(deadLetters);
        var probe = new TestProbe(system);
        var gate = new TaskCompletionSource();
        var worker = system.Spawn(Worker.Props(probe.Ref<object>()).WithMailbox(MailboxOptions.Bounded(2)), "bounded");
        await probe.ExpectMsgAsync<Started>(Expect);
        worker.Tell(new Block(gate.Task));
        await probe.ExpectMsgAsync<Blocked>(Expect);

        worker.Tell(new Work(1));
        worker.Tell(new Work(2));
        worker.Tell(new Work(3)); // mailbox full: dropped
        var waiting = worker.TellAsync(new Work(4)).AsTask();
        await Task.Delay(Quiet);
        Assert.False(waiting.IsCompleted);

        gate.SetResult();
        await waiting;

        await probe.ExpectMsgAsync(new Handled("bounded", 1, 1), Expect);
        await probe.ExpectMsgAsync(new Handled("bounded", 2, 2), Expect);
        await probe.ExpectMsgAsync(new Handled("bounded", 4, 3), Expect);
        var dropped = Assert.Single(deadLetters.Items);
        Assert.Equal(new Work(3), dropped.Message);
        Assert.Equal(DeadLetterReason.MailboxFull, dropped.Reason);
        Assert.Equal(1, system.DeadLetterCount);
    }

    [Fact]
    public async Task A_disposed_subscription_receives_no_more_dead_letters()
    {
        await using var system = CreateSystem();
        var deadLetters = new CollectingObserver<DeadLetter>();
        var probe = new TestProbe(system);
        var worker = system.Spawn(Worker.Props(probe.Ref<object>()));
        await system.StopAsync(worker);

        using (system.DeadLetters.Subscribe(deadLetters))
        {
            worker.Tell(new Work(1));
        }

        worker.Tell(new Work(2));

        Assert.Single(deadLetters.Items);
        Assert.Equal(2, system.DeadLetterCount);
    }
}
