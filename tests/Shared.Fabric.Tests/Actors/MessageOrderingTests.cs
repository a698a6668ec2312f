using NerfEngine.Shared.Fabric.Actors;
using static NerfEngine.Tests.SharedFabric.Actors.ActorTestKit;

namespace NerfEngine.Tests.SharedFabric.Actors;

public sealed class MessageOrderingTests
{
    private abstract record SequenceCommand;

    private sealed record Numbered(int Sender, int Sequence) : SequenceCommand;

    private sealed record GetReport(IActorRef<SequenceReport> ReplyTo) : SequenceCommand;

    private sealed record SequenceReport(int Received, int OutOfOrder, int Overlaps);

    /// <summary>Checks per-sender sequence numbers and, with an async handler, whether two handlers ever overlap.</summary>
    private sealed class SequenceChecker(int senders) : Actor<SequenceCommand>
    {
        private readonly int[] _last = Enumerable.Repeat(-1, senders).ToArray();
        private int _received;
        private int _outOfOrder;
        private int _inside;
        private int _overlaps;

        protected internal override async ValueTask OnReceiveAsync(SequenceCommand message)
        {
            if (Interlocked.Increment(ref _inside) > 1)
            {
                _overlaps++;
            }

            if (message is Numbered n)
            {
                if (n.Sequence != _last[n.Sender] + 1)
                {
                    _outOfOrder++;
                }

                _last[n.Sender] = n.Sequence;
                _received++;
                if (n.Sequence % 64 == 0)
                {
                    await Task.Yield(); // some handlers complete asynchronously, on another thread
                }
            }
            else if (message is GetReport report)
            {
                report.ReplyTo.Tell(new SequenceReport(_received, _outOfOrder, _overlaps));
            }

            Interlocked.Decrement(ref _inside);
        }
    }

    [Fact]
    public async Task Messages_from_one_sender_arrive_in_order_while_many_senders_tell_concurrently()
    {
        const int senders = 4;
        const int perSender = 20_000;
        await using var system = CreateSystem();
        var checker = system.Spawn(Props.Create(() => new SequenceChecker(senders)), "checker");

        var sending = Enumerable.Range(0, senders)
            .Select(sender => Task.Run(() =>
            {
                for (var i = 0; i < perSender; i++)
                {
                    checker.Tell(new Numbered(sender, i));
                }
            }))
            .ToArray();
        await Task.WhenAll(sending);

        var report = await checker.Ask<SequenceReport>(r => new GetReport(r), Expect);

        Assert.Equal(new SequenceReport(senders * perSender, 0, 0), report);
    }

    [Fact]
    public async Task TellAsync_on_an_unbounded_mailbox_completes_at_once_and_keeps_order()
    {
        await using var system = CreateSystem();
        var checker = system.Spawn(Props.Create(() => new SequenceChecker(1)));

        for (var i = 0; i < 1000; i++)
        {
            var pending = checker.TellAsync(new Numbered(0, i));
            Assert.True(pending.IsCompletedSuccessfully);
        }

        var report = await checker.Ask<SequenceReport>(r => new GetReport(r), Expect);
        Assert.Equal(new SequenceReport(1000, 0, 0), report);
    }
}
