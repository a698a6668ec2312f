using System.Runtime.CompilerServices;

namespace NerfEngine.Shared.Fabric.Streams;

/// <summary>Puts a <see cref="KillSwitch"/> into an <see cref="IAsyncEnumerable{T}"/> pipeline.</summary>
public static class KillSwitchExtensions
{
    /// <summary>
    /// Passes items through until the switch is triggered. On shutdown the sequence ends normally
    /// and the source is cancelled; on abort it throws <see cref="KillSwitchAbortedException"/>.
    /// </summary>
    /// <remarks>
    /// A source that is waiting for data is woken through the cancellation token it was given, so a
    /// source that ignores its token only stops at its next item.
    /// </remarks>
    public static async IAsyncEnumerable<T> Via<T>(
        this IAsyncEnumerable<T> source,
        KillSwitch killSwitch,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(killSwitch);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, killSwitch.Token);
        IAsyncEnumerator<T> enumerator = source.GetAsyncEnumerator(linked.Token);
        try
        {
            while (true)
            {
                killSwitch.ThrowIfAborted();
                if (killSwitch.State == KillSwitchState.Shutdown)
                {
                    yield break;
                }

                bool hasItem;
                try
                {
                    hasItem = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (killSwitch.State != KillSwitchState.Running && !cancellationToken.IsCancellationRequested)
                {
                    // The switch cancelled the source; the top of the loop decides between end and failure.
                    continue;
                }

                if (!hasItem)
                {
                    yield break;
                }

                // An item that raced with the trigger is not emitted: the switch wins.
                if (killSwitch.State != KillSwitchState.Running)
                {
                    continue;
                }

                yield return enumerator.Current;
            }
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
    }
}
