using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Actors.Testing;
using static NerfEngine.Tests.SharedFabric.Actors.ActorTestKit;

namespace NerfEngine.Tests.SharedFabric.Actors;

public sealed class AskTests
{
    private abstract record EchoCommand;

    private sealed record Ping(string Text, IActorRef<Pong> ReplyTo) : EchoCommand;

    private sealed record HoldPing(IActorRef<Pong> ReplyTo) : EchoCommand;

    private sealed record ReleaseHeld : EchoCommand;

    private sealed record FailHeld(Exception Reason) : EchoCommand;

    private sealed record Pong(string Text);

    /// <summary>Replies to Ping at once; keeps a HoldPing's reply address until told to answer.</summary>
    private sealed class Echo : Actor<EchoCommand>
    {
        private IActorRef<Pong>? _held;

        protected internal override ValueTask OnReceiveAsync(EchoCommand message)
        {
            switch (message)
            {
                case Ping ping:
                    ping.ReplyTo.Tell(new Pong(ping.Text));
                    break;
                case HoldPing hold:
                    _held = hold.ReplyTo;
                    break;
                case ReleaseHeld:
                    _held?.Tell(new Pong("late"));
                    break;
                case FailHeld fail:
                    _held?.TryFailAsk(fail.Reason);
                    break;
            }

            return default;
        }
    }

    [Fact]
    public async Task Ask_returns_the_reply()
    {
        await using var system = CreateSystem();
        var echo = system.Spawn(Props.Create(() => new Echo()), "echo");

        var pong = await echo.Ask<Pong>(replyTo => new Ping("hello", replyTo), Expect);

        Assert.Equal(new Pong("hello"), pong);
    }

    [Fact]
    public async Task Ask_without_reply_throws_AskTimeoutException_once_the_timeout_has_passed()
    {
        var time = new ManualTimeProvider();
        await using var system = CreateSystem(time);
        var echo = system.Spawn(Props.Create(() => new Echo()), "echo");

        var asking = echo.Ask<Pong>(replyTo => new HoldPing(replyTo), TimeSpan.FromSeconds(2));
        time.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        await Task.Delay(Quiet);
        Assert.False(asking.IsCompleted);

        time.Advance(TimeSpan.FromTicks(1));
        var error = await Assert.ThrowsAsync<AskTimeoutException>(() => asking);

        Assert.Contains(echo.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(HoldPing), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(Pong), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_of_a_stopped_actor_fails_at_once_instead_of_waiting_out_its_timeout()
    {
        await using var system = CreateSystem(new ManualTimeProvider()); // the clock never moves: only the stop can end these asks
        var echo = system.Spawn(Props.Create(() => new Echo()), "echo");
        var held = echo.Ask<Pong>(replyTo => new HoldPing(replyTo), TimeSpan.FromMinutes(10));
        await echo.Ask<Pong>(r => new Ping("flush", r), Expect);

        await system.StopAsync(echo);
        var pending = await Assert.ThrowsAsync<AskTimeoutException>(() => held.WaitAsync(Expect));
        var afterwards = await Assert.ThrowsAsync<AskTimeoutException>(
            () => echo.Ask<Pong>(r => new Ping("too late", r), TimeSpan.FromMinutes(10)).WaitAsync(Expect));

        Assert.True(pending.RecipientStopped);
        Assert.True(afterwards.RecipientStopped);
        Assert.Contains("recipient has stopped", afterwards.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_actor_that_cannot_answer_fails_the_ask_with_its_exception()
    {
        await using var system = CreateSystem();
        var echo = system.Spawn(Props.Create(() => new Echo()), "echo");
        var asking = echo.Ask<Pong>(replyTo => new HoldPing(replyTo), Expect);
        var probe = new TestProbe(system);

        Assert.False(probe.Ref<Pong>().TryFailAsk(new InvalidOperationException("not an ask")));
        var holder = await echo.Ask<Pong>(r => new Ping("flush", r), Expect);
        Assert.Equal("flush", holder.Text);
        echo.Tell(new FailHeld(new InvalidOperationException("journal unreachable")));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => asking);
        Assert.Equal("journal unreachable", error.Message);
    }

    [Fact]
    public async Task A_reply_after_the_timeout_is_a_dead_letter()
    {
        var time = new ManualTimeProvider();
        await using var system = CreateSystem(time);
        var deadLetters = new CollectingObserver<DeadLetter>();
        using var subscription = system.DeadLetters.Subscribe(deadLetters);
        var echo = system.Spawn(Props.Create(() => new Echo()), "echo");

        var asking = echo.Ask<Pong>(replyTo => new HoldPing(replyTo), TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<AskTimeoutException>(() => asking);

        echo.Tell(new ReleaseHeld());
        await echo.Ask<Pong>(r => new Ping("flush", r), TimeSpan.FromSeconds(1)); // the late reply was sent before this one

        Assert.Equal(1, system.DeadLetterCount);
        var deadLetter = Assert.Single(deadLetters.Items);
        Assert.Equal(new Pong("late"), deadLetter.Message);
        Assert.Equal(DeadLetterReason.RecipientStopped, deadLetter.Reason);
    }

    [Fact]
    public async Task Ask_is_cancelled_by_its_token()
    {
        await using var system = CreateSystem();
        var echo = system.Spawn(Props.Create(() => new Echo()), "echo");
        using var cancel = new CancellationTokenSource();

        var asking = echo.Ask<Pong>(replyTo => new HoldPing(replyTo), Timeout.InfiniteTimeSpan, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => asking);
    }

    [Fact]
    public async Task A_test_probe_can_answer_an_ask()
    {
        await using var system = CreateSystem();
        var probe = new TestProbe(system);
        var target = probe.Ref<Ping>();

        var asking = target.Ask<Pong>(replyTo => new Ping("question", replyTo), Expect);
        var request = await probe.ExpectMsgAsync<Ping>(Expect);
        request.ReplyTo.Tell(new Pong("answer"));

        Assert.Equal(new Pong("answer"), await asking);
    }
}
