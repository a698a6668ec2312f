namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>What every transport does with its subscriptions when it shuts down.</summary>
internal static class Subscriptions
{
    /// <summary>
    /// Disposes every subscription in <paramref name="subscriptions"/>, taken under <paramref name="gate"/> and disposed
    /// outside it: a disposing subscription removes itself from the collection, which takes the same lock.
    /// </summary>
    public static async Task DisposeAllAsync<TSubscription>(Lock gate, IEnumerable<TSubscription> subscriptions)
        where TSubscription : IAsyncDisposable
    {
        TSubscription[] snapshot;
        lock (gate)
        {
            snapshot = [.. subscriptions];
        }

        foreach (TSubscription subscription in snapshot)
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }
    }
}
