using System.Collections.Immutable;

namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// Counts dead letters and fans them out to observers. Observers run synchronously on the sending or
/// stopping thread, so they must be quick (count, log, enqueue).
/// </summary>
internal sealed class DeadLetterPublisher : IObservable<DeadLetter>
{
    /// <summary>Copy-on-write list so publishing never locks.</summary>
    private ImmutableArray<IObserver<DeadLetter>> _observers = ImmutableArray<IObserver<DeadLetter>>.Empty;

    /// <summary>Dead letters since the system started; only grows.</summary>
    private long _count;

    /// <summary>Dead letters since the system started.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Counts the dead letter and, only when someone listens, builds and publishes the record.</summary>
    public void Publish(object? message, IActorRef recipient, DeadLetterReason reason)
    {
        Interlocked.Increment(ref _count);
        var observers = _observers;
        if (observers.IsEmpty)
        {
            return;
        }

        var deadLetter = new DeadLetter(message, recipient, reason);
        foreach (var observer in observers)
        {
            try
            {
                observer.OnNext(deadLetter);
            }
            catch (Exception)
            {
                // An observer's bug must not fail the Tell or the stop that produced the dead letter.
            }
        }
    }

    /// <inheritdoc />
    public IDisposable Subscribe(IObserver<DeadLetter> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        ImmutableInterlocked.Update(ref _observers, static (list, o) => list.Add(o), observer);
        return new Subscription(this, observer);
    }

    /// <summary>Removes its observer once.</summary>
    private sealed class Subscription(DeadLetterPublisher owner, IObserver<DeadLetter> observer) : IDisposable
    {
        public void Dispose() => ImmutableInterlocked.Update(ref owner._observers, static (list, o) => list.Remove(o), observer);
    }
}
