using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using NerfEngine.Shared.Fabric.Actors;

namespace NerfEngine.Benchmarks.Actors;

/// <summary>
/// Tell throughput of one actor (1M messages from one sender, awaited until the last is handled)
/// against the floor it is built on: a raw unbounded single-reader <see cref="Channel{T}"/> with one
/// producer and one long-lived consumer, warmed up like the actor's mailbox. Read the Ratio column; the
/// target is actor ≥ 50% of the raw channel's throughput (ratio ≤ 2.0), and zero kernel allocation per message.
/// </summary>
[MemoryDiagnoser]
public class ActorTellBenchmark
{
    private const int MessageCount = 1_000_000;

    private readonly Completion _completion = new();
    private readonly Completion _rawCompletion = new();
    private ActorSystem _system = null!;
    private IActorRef<long> _sink = null!;
    private Channel<long> _raw = null!;
    private Task _rawConsumer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench");
        _sink = _system.Spawn(Props.Create(() => new CountingSink(_completion, MessageCount - 1)), "sink");
        _raw = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
        _rawConsumer = Task.Run(() => ConsumeAsync(_raw.Reader, _rawCompletion, MessageCount - 1));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Writer.Complete();
        _rawConsumer.GetAwaiter().GetResult();
        _system.TerminateAsync().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = MessageCount)]
    public async Task RawChannel()
    {
        var done = _rawCompletion.Arm();
        var writer = _raw.Writer;
        for (long i = 0; i < MessageCount; i++)
        {
            writer.TryWrite(i);
        }

        await done.ConfigureAwait(false);
    }

    [Benchmark(OperationsPerInvoke = MessageCount)]
    public async Task ActorTell()
    {
        var done = _completion.Arm();
        var sink = _sink;
        for (long i = 0; i < MessageCount; i++)
        {
            sink.Tell(i);
        }

        await done.ConfigureAwait(false);
    }

    /// <summary>The raw consumer does what the actor does: read, add, signal at the last message of a round.</summary>
    private static async Task<long> ConsumeAsync(ChannelReader<long> reader, Completion completion, long last)
    {
        long sum = 0;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                sum += item;
                if (item == last)
                {
                    completion.Signal();
                }
            }
        }

        return sum;
    }

    /// <summary>Sums messages and signals when the last one of a round has been handled.</summary>
    private sealed class CountingSink(Completion completion, long last) : Actor<long>
    {
        private long _sum;

        protected override ValueTask OnReceiveAsync(long message)
        {
            _sum += message;
            if (message == last)
            {
                completion.Signal();
            }

            return default;
        }
    }

    /// <summary>One completion per benchmark round; armed before the round's first Tell, which publishes it to the actor.</summary>
    private sealed class Completion
    {
        private TaskCompletionSource _round = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Arm()
        {
            var round = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _round, round);
            return round.Task;
        }

        public void Signal() => Volatile.Read(ref _round).TrySetResult();
    }
}
