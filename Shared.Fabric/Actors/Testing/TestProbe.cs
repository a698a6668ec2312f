using System.Globalization;
using System.Threading.Channels;

namespace NerfEngine.Shared.Fabric.Actors.Testing;

/// <summary>
/// A recording stand-in for an actor, for tests (Akka.TestKit's TestProbe, typed). Hand out
/// <see cref="Ref{T}"/> as a reply or subscriber address, then assert on what arrived, in order.
/// Expectations wait in real time (the system clock may be a manual one) and throw
/// <see cref="TestProbeException"/> on failure, so the probe works with any test framework.
/// </summary>
public sealed class TestProbe : IWatcher
{
    private static long s_nextId;

    /// <summary>Everything received, in arrival order: messages from every Ref and Terminated from Watch.</summary>
    private readonly Channel<object?> _inbox = Channel.CreateUnbounded<object?>();

    /// <summary>Creates a probe whose asks use <paramref name="system"/>'s clock.</summary>
    public TestProbe(ActorSystem system, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        System = system;
        Name = name ?? "probe-" + Interlocked.Increment(ref s_nextId).ToString(CultureInfo.InvariantCulture);
        Path = $"nerf://{system.Name}/temp/{Name}";
    }

    /// <summary>The system the probe belongs to.</summary>
    public ActorSystem System { get; }

    /// <summary>The probe's name.</summary>
    public string Name { get; }

    /// <summary>The path shared by all of this probe's refs.</summary>
    public string Path { get; }

    /// <summary>A reference that records every message told to it into this probe.</summary>
    public IActorRef<T> Ref<T>() => new ProbeRef<T>(this);

    /// <summary>Records a <see cref="Terminated"/> into this probe when <paramref name="actor"/> stops (at once if it already has).</summary>
    public void Watch(IActorRef actor) => actor.RequireKernelRef("watch").AddWatcher(this);

    /// <summary>Stops recording Terminated for <paramref name="actor"/>.</summary>
    public void Unwatch(IActorRef actor) => actor.RequireKernelRef("unwatch").RemoveWatcher(this);

    /// <summary>
    /// Takes the next message; fails unless it arrives within <paramref name="timeout"/>, is a
    /// <typeparamref name="T"/>, and satisfies <paramref name="predicate"/>.
    /// </summary>
    public async Task<T> ExpectMsgAsync<T>(TimeSpan timeout, Func<T, bool>? predicate = null)
    {
        var received = await ReceiveOneAsync(timeout, $"a {typeof(T).Name}").ConfigureAwait(false);
        if (received is not T typed)
        {
            throw new TestProbeException($"{Name}: expected a {typeof(T).Name} but received {Describe(received)}.");
        }

        if (predicate is not null && !predicate(typed))
        {
            throw new TestProbeException($"{Name}: received {Describe(received)}, which does not satisfy the expectation.");
        }

        return typed;
    }

    /// <summary>Takes the next message and fails unless it equals <paramref name="expected"/>.</summary>
    public Task<T> ExpectMsgAsync<T>(T expected, TimeSpan timeout) =>
        ExpectMsgAsync<T>(timeout, actual => EqualityComparer<T>.Default.Equals(actual, expected));

    /// <summary>Fails if any message arrives within <paramref name="duration"/>.</summary>
    public async Task ExpectNoMsgAsync(TimeSpan duration)
    {
        using var window = new CancellationTokenSource(duration);
        try
        {
            if (await _inbox.Reader.WaitToReadAsync(window.Token).ConfigureAwait(false) && _inbox.Reader.TryRead(out var unexpected))
            {
                throw new TestProbeException($"{Name}: expected no message within {duration} but received {Describe(unexpected)}.");
            }
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested)
        {
            // Quiet for the whole window: the expectation holds.
        }
    }

    /// <summary>Takes the next <paramref name="count"/> messages, all <typeparamref name="T"/>, within <paramref name="timeout"/> overall.</summary>
    public async Task<IReadOnlyList<T>> ReceiveNAsync<T>(int count, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var deadline = DateTime.UtcNow + timeout;
        var result = new List<T>(count);
        while (result.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            var received = await ReceiveOneAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, $"message {result.Count + 1} of {count} ({typeof(T).Name})")
                .ConfigureAwait(false);
            result.Add(received is T typed
                ? typed
                : throw new TestProbeException($"{Name}: message {result.Count + 1} of {count}: expected a {typeof(T).Name} but received {Describe(received)}."));
        }

        return result;
    }

    /// <summary>Skips messages until one is a <typeparamref name="T"/> satisfying <paramref name="predicate"/>, within <paramref name="timeout"/> overall.</summary>
    public async Task<T> FishForMessageAsync<T>(Func<T, bool> predicate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var received = await ReceiveOneAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, $"a matching {typeof(T).Name}").ConfigureAwait(false);
            if (received is T typed && predicate(typed))
            {
                return typed;
            }
        }
    }

    /// <summary>Expects the next message to be the <see cref="Terminated"/> of <paramref name="actor"/> (after <see cref="Watch"/>).</summary>
    public Task<Terminated> ExpectTerminatedAsync(IActorRef actor, TimeSpan timeout) =>
        ExpectMsgAsync<Terminated>(timeout, t => ReferenceEquals(t.Actor, actor));

    /// <inheritdoc />
    void IWatcher.NotifyTerminated(Terminated terminated) => Record(terminated);

    /// <inheritdoc />
    public override string ToString() => Path;

    /// <summary>Called by this probe's refs on the sender's thread.</summary>
    internal void Record(object? message) => _inbox.Writer.TryWrite(message);

    private static string Describe(object? message) => message is null ? "null" : $"{message.GetType().Name} {message}";

    private async Task<object?> ReceiveOneAsync(TimeSpan timeout, string expectation)
    {
        if (_inbox.Reader.TryRead(out var ready))
        {
            return ready;
        }

        using var window = new CancellationTokenSource(timeout);
        try
        {
            // WaitToRead, not Read: a cancelled wait consumes nothing, so a timed-out expectation loses no message.
            while (await _inbox.Reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
            {
                if (_inbox.Reader.TryRead(out var received))
                {
                    return received;
                }
            }
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested)
        {
        }

        throw new TestProbeException($"{Name}: timeout ({timeout}) while waiting for {expectation}.");
    }
}
