namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>
/// A subscription to partitions of the <see cref="InProcessEdgeTransport"/>: one dispatch loop per
/// partition, each delivering in order and holding at most <see cref="SubscriptionOptions.Prefetch"/>
/// unsettled deliveries.
/// </summary>
internal sealed class InProcessSubscription : IEdgeBatchSubscription
{
    private readonly InProcessPartition[] _partitions;
    private readonly EdgeBatchHandler _handler;

    /// <summary>Prefetch slots per partition, parallel to <see cref="_partitions"/>.</summary>
    private readonly SemaphoreSlim[] _prefetch;

    /// <summary>Cancelled to stop the dispatch loops; also the token handlers receive.</summary>
    private readonly CancellationTokenSource _stop = new();

    private readonly Action<InProcessSubscription> _onDisposed;

    private Task[] _dispatchers = [];
    private long _handlerFaults;
    private int _disposed;

    public InProcessSubscription(
        InProcessPartition[] partitions,
        EdgeBatchHandler handler,
        SubscriptionOptions options,
        Action<InProcessSubscription> onDisposed)
    {
        _partitions = partitions;
        _handler = handler;
        _onDisposed = onDisposed;
        _prefetch = new SemaphoreSlim[partitions.Length];
        for (int i = 0; i < partitions.Length; i++)
        {
            _prefetch[i] = new SemaphoreSlim(options.Prefetch, options.Prefetch);
        }

        Partitions = Array.AsReadOnly(partitions.Select(p => p.Index).ToArray());
    }

    public IReadOnlyList<int> Partitions { get; }

    public long HandlerFaults => Interlocked.Read(ref _handlerFaults);

    /// <summary>Attaches to every partition (all or none) and starts the dispatch loops.</summary>
    public void Start()
    {
        int attached = 0;
        try
        {
            for (; attached < _partitions.Length; attached++)
            {
                _partitions[attached].Attach(this);
            }
        }
        catch
        {
            for (int i = 0; i < attached; i++)
            {
                _partitions[i].Detach(this);
            }

            throw;
        }

        _dispatchers = new Task[_partitions.Length];
        for (int i = 0; i < _partitions.Length; i++)
        {
            int slot = i;
            _dispatchers[i] = Task.Run(() => DispatchAsync(slot), CancellationToken.None);
        }
    }

    /// <summary>Gives back a prefetch slot when a delivery of <paramref name="partition"/> is settled.</summary>
    public void ReleasePrefetchSlot(int partition)
    {
        for (int i = 0; i < _partitions.Length; i++)
        {
            if (_partitions[i].Index == partition)
            {
                _prefetch[i].Release();
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_dispatchers).ConfigureAwait(false);
        foreach (InProcessPartition partition in _partitions)
        {
            partition.Detach(this);
        }

        _onDisposed(this);
    }

    /// <summary>Delivers one partition's batches until the subscription stops. Never faults.</summary>
    private async Task DispatchAsync(int slot)
    {
        InProcessPartition partition = _partitions[slot];
        SemaphoreSlim prefetch = _prefetch[slot];
        CancellationToken stop = _stop.Token;
        try
        {
            while (true)
            {
                await prefetch.WaitAsync(stop).ConfigureAwait(false);
                InProcessQueuedBatch? batch;
                while (!partition.Queue.TryRead(out batch))
                {
                    await partition.Queue.WaitToReadAsync(stop).ConfigureAwait(false);
                }

                InProcessDelivery delivery = partition.BeginDelivery(batch, this);
                try
                {
                    await _handler(delivery, stop).ConfigureAwait(false);
                }
                catch (Exception) when (!stop.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _handlerFaults);
                    if (!delivery.IsSettled)
                    {
                        TryRequeue(delivery);
                    }
                }
                catch (Exception)
                {
                    // Stopping (the handler saw the stop token): if unsettled, Detach requeues the delivery.
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Subscription stopped.
        }
    }

    /// <summary>A handler may settle concurrently (e.g. from another task); losing that race is fine.</summary>
    private static void TryRequeue(InProcessDelivery delivery)
    {
        try
        {
            delivery.NackAsync(requeue: true).AsTask().GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // Already settled by the handler after all.
        }
    }
}
