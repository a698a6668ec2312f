namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>
/// The embedded-mode <see cref="IEdgeBatchTransport"/>: bounded partitions in memory, publish confirmed
/// when queued, consume with ack, nack requeues (up to the delivery limit), one active consumer per
/// partition, per-partition metrics. It has the semantics of the RabbitMQ transport except durability:
/// batches live only as long as the process.
/// </summary>
/// <example>
/// <code>
/// await using var transport = new InProcessEdgeTransport(new InProcessTransportOptions(PartitionCount: 8));
/// PublishResult result = await transport.PublishAsync(destinationNodeId, new EdgeBatchMessage("sensor-1", seq, bytes), ct);
/// await using var subscription = await transport.SubscribeAsync([0, 1], async (delivery, ct) =>
/// {
///     Process(delivery.Message);
///     await delivery.AckAsync(ct);
/// });
/// </code>
/// </example>
public sealed class InProcessEdgeTransport : IEdgeBatchTransport
{
    private readonly InProcessPartition[] _partitions;
    private readonly EdgePartitioner _partitioner;

    /// <summary>Cancelled when shutdown begins; wakes publishers waiting for room so they can drop.</summary>
    private readonly CancellationTokenSource _shutdown = new();

    private readonly Lock _subscriptionsGate = new();
    private readonly HashSet<InProcessSubscription> _subscriptions = [];

    /// <summary>The one shutdown, shared by every caller of <see cref="ShutdownAsync"/>.</summary>
    private Task? _shutdownTask;

    /// <summary>Creates the transport with empty partitions.</summary>
    public InProcessEdgeTransport(InProcessTransportOptions? options = null)
    {
        Options = options ?? new InProcessTransportOptions();
        Options.Validate();
        _partitioner = new EdgePartitioner(Options.PartitionCount);
        _partitions = new InProcessPartition[Options.PartitionCount];
        for (int i = 0; i < _partitions.Length; i++)
        {
            _partitions[i] = new InProcessPartition(i, Options);
        }
    }

    /// <summary>The settings in force.</summary>
    public InProcessTransportOptions Options { get; }

    /// <inheritdoc />
    public int PartitionCount => _partitions.Length;

    /// <inheritdoc />
    public int GetPartition(ulong partitionKey) => _partitioner.GetPartition(partitionKey);

    /// <inheritdoc />
    public ValueTask<PublishResult> PublishAsync(ulong partitionKey, EdgeBatchMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _partitions[GetPartition(partitionKey)].PublishAsync(message, _shutdown.Token, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IEdgeBatchSubscription> SubscribeAsync(
        IReadOnlyCollection<int> partitions,
        EdgeBatchHandler handler,
        SubscriptionOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        ArgumentNullException.ThrowIfNull(handler);
        options ??= SubscriptionOptions.Default;
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        if (partitions.Count == 0)
        {
            throw new ArgumentException("Subscribe to at least one partition.", nameof(partitions));
        }

        var selected = new List<InProcessPartition>(partitions.Count);
        foreach (int partition in partitions)
        {
            if ((uint)partition >= (uint)_partitions.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(partitions), partition, $"Partitions are 0..{_partitions.Length - 1}.");
            }

            if (selected.Contains(_partitions[partition]))
            {
                throw new ArgumentException($"Partition {partition} is listed twice.", nameof(partitions));
            }

            selected.Add(_partitions[partition]);
        }

        var subscription = new InProcessSubscription([.. selected], handler, options, Forget);
        lock (_subscriptionsGate)
        {
            if (_shutdownTask is not null)
            {
                throw new InvalidOperationException("The in-process transport is shutting down.");
            }

            subscription.Start();
            _subscriptions.Add(subscription);
        }

        return ValueTask.FromResult<IEdgeBatchSubscription>(subscription);
    }

    /// <inheritdoc />
    public PartitionMetricsSnapshot GetMetrics(int partition)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, _partitions.Length);
        return _partitions[partition].Snapshot();
    }

    /// <inheritdoc />
    public ValueTask ShutdownAsync(CancellationToken cancellationToken = default)
    {
        Task shutdown;
        lock (_subscriptionsGate)
        {
            if (_shutdownTask is null)
            {
                // Synchronously, so that no publish is confirmed once this call has returned.
                Task[] drained = [.. _partitions.Select(p => p.BeginShutdown())];
                _shutdownTask = FinishShutdownAsync(drained, cancellationToken);
            }

            shutdown = _shutdownTask;
        }

        // Outside the lock: this resumes publishers held by full partitions (they drop).
        _shutdown.Cancel();
        return new ValueTask(shutdown);
    }

    /// <summary>Shuts down without waiting for subscribers to drain: what is left stays counted as ready.</summary>
    public ValueTask DisposeAsync() => ShutdownAsync(new CancellationToken(canceled: true));

    private async Task FinishShutdownAsync(Task[] drained, CancellationToken cancellationToken)
    {
        // Leave the caller's lock before anything else runs.
        await Task.Yield();
        try
        {
            await Task.WhenAll(drained).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Drain deadline reached: stop consumers anyway; leftovers remain visible in the metrics.
        }

        await Subscriptions.DisposeAllAsync(_subscriptionsGate, _subscriptions).ConfigureAwait(false);
    }

    private void Forget(InProcessSubscription subscription)
    {
        lock (_subscriptionsGate)
        {
            _subscriptions.Remove(subscription);
        }
    }
}
