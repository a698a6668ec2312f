using System.Globalization;
using System.Text.RegularExpressions;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace NerfEngine.Shared.Fabric.Transport.RabbitMq;

/// <summary>
/// The cluster <see cref="IEdgeBatchTransport"/> over a RabbitMQ broker. A direct exchange routes each
/// batch by its partition number (computed with the same <see cref="EdgePartitioner"/> as the in-process
/// transport) to that partition's durable quorum queue, which has a single active consumer, so one
/// partition's batches reach one consumer in order. Publishes are persistent and confirmed; at most
/// <see cref="RabbitMqTransportOptions.MaxPublishesInFlight"/> await their confirm at once. Consumers
/// ack after their handler, a throwing handler's batch is requeued and its redelivery counted. The
/// connection recovers by itself (topology and consumers included); confirmed batches are on disk in
/// the quorum queues and survive a broker restart. The client recovers channels only after a connection
/// loss, so a publish channel the broker closes on its own (a channel-level error: the exchange deleted,
/// a batch over <c>max_message_size</c>) is replaced here, and the topology re-declared when it was missing.
/// </summary>
public sealed partial class RabbitMqEdgeTransport : IEdgeBatchTransport
{
    private readonly IConnection _connection;

    /// <summary>Serializes replacing <see cref="_publishChannel"/> (and closing it at shutdown).</summary>
    private readonly SemaphoreSlim _publishChannelGate = new(1, 1);

    /// <summary>The confirming publish channel; replaced (under <see cref="_publishChannelGate"/>) when the broker closed it.</summary>
    private IChannel _publishChannel;
    private readonly EdgePartitioner _partitioner;
    private readonly PartitionMetrics[] _metrics;
    private readonly ILogger _logger;

    /// <summary>Free slots for publishes awaiting a confirm; starts at <see cref="RabbitMqTransportOptions.MaxPublishesInFlight"/>.</summary>
    private readonly SemaphoreSlim _inFlight;

    /// <summary>Cancelled when shutdown begins: publishers waiting for a slot drop.</summary>
    private readonly CancellationTokenSource _shutdown = new();

    private readonly Lock _subscriptionsGate = new();
    private readonly List<RabbitMqSubscription> _subscriptions = [];

    /// <summary>Partitions with an active consumer in this process (the broker enforces it across processes).</summary>
    private readonly HashSet<int> _consumedPartitions = [];

    /// <summary>Last queue depths read by <see cref="RefreshReadyAsync"/>, per partition.</summary>
    private readonly int[] _ready;

    private long _recoveries;
    private long _connectionLosses;
    private long _channelRecoveries;
    private long _tooLarge;
    private Task? _shutdownTask;

    private RabbitMqEdgeTransport(RabbitMqTransportOptions options, IConnection connection, IChannel publishChannel, ILogger logger)
    {
        Options = options;
        _connection = connection;
        _publishChannel = publishChannel;
        _logger = logger;
        _partitioner = new EdgePartitioner(options.PartitionCount);
        _metrics = Enumerable.Range(0, options.PartitionCount).Select(p => new PartitionMetrics(p)).ToArray();
        _ready = new int[options.PartitionCount];
        _inFlight = new SemaphoreSlim(options.MaxPublishesInFlight, options.MaxPublishesInFlight);
        _connection.ConnectionShutdownAsync += OnConnectionShutdownAsync;
        _connection.RecoverySucceededAsync += OnRecoverySucceededAsync;
    }

    /// <summary>The settings in force.</summary>
    public RabbitMqTransportOptions Options { get; }

    /// <inheritdoc />
    public int PartitionCount => Options.PartitionCount;

    /// <summary>Publishes sent and awaiting their confirm now.</summary>
    public int PublishesInFlight => Options.MaxPublishesInFlight - _inFlight.CurrentCount;

    /// <summary>Times the connection recovered after a loss.</summary>
    public long ConnectionRecoveries => Interlocked.Read(ref _recoveries);

    /// <summary>Times the connection was lost (broker restart, network, forced close).</summary>
    public long ConnectionLosses => Interlocked.Read(ref _connectionLosses);

    /// <summary>Times the publish channel was closed by the broker (channel-level error) and replaced, the connection staying up.</summary>
    public long PublishChannelRecoveries => Interlocked.Read(ref _channelRecoveries);

    /// <summary>Batches dropped as <see cref="PublishDropReason.MessageTooLarge"/> (over the broker's <c>max_message_size</c>).</summary>
    public long DroppedTooLarge => Interlocked.Read(ref _tooLarge);

    /// <summary>Handler calls that threw, over every subscription of this transport.</summary>
    public long HandlerFaults
    {
        get
        {
            lock (_subscriptionsGate)
            {
                return _subscriptions.Sum(s => s.HandlerFaults);
            }
        }
    }

    /// <summary>
    /// Connects, declares the topology (idempotently: exchange, one quorum queue per partition, bindings)
    /// and opens the confirming publish channel. An unreachable broker, refused credentials or a queue
    /// declared differently before throw <see cref="EdgeTransportConnectionException"/> naming the setting.
    /// </summary>
    public static async Task<RabbitMqEdgeTransport> ConnectAsync(
        RabbitMqTransportOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ILogger logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RabbitMqEdgeTransport>();
        var factory = new ConnectionFactory
        {
            Uri = new Uri(options.Uri),
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = options.RecoveryInterval,
            RequestedHeartbeat = options.Heartbeat,
            RequestedConnectionTimeout = options.ConnectTimeout,
            ClientProvidedName = $"nerf-edges@{Environment.MachineName}",
        };

        IConnection connection;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            connection = await factory.CreateConnectionAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw ConnectError(options, ex);
        }

        try
        {
            await RabbitMqTopology.DeclareAsync(connection, options, cancellationToken).ConfigureAwait(false);
            IChannel publishChannel = await CreatePublishChannelAsync(connection, options, cancellationToken).ConfigureAwait(false);
            return new RabbitMqEdgeTransport(options, connection, publishChannel, logger);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A channel with publisher confirms, each publish awaiting its own confirm.</summary>
    private static Task<IChannel> CreatePublishChannelAsync(IConnection connection, RabbitMqTransportOptions options, CancellationToken cancellationToken) =>
        connection.CreateChannelAsync(
            new CreateChannelOptions(
                publisherConfirmationsEnabled: true,
                publisherConfirmationTrackingEnabled: true,
                // Our own semaphore bounds publishes in flight; the client's limiter must never hold one back first.
                outstandingPublisherConfirmationsRateLimiter: new ConcurrencyLimiter(new ConcurrencyLimiterOptions
                {
                    PermitLimit = options.MaxPublishesInFlight,
                    QueueLimit = options.MaxPublishesInFlight,
                })),
            cancellationToken);

    /// <inheritdoc />
    public int GetPartition(ulong partitionKey) => _partitioner.GetPartition(partitionKey);

    /// <inheritdoc />
    public async ValueTask<PublishResult> PublishAsync(ulong partitionKey, EdgeBatchMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        int partition = GetPartition(partitionKey);
        PartitionMetrics metrics = _metrics[partition];
        metrics.RecordPublished();
        if (_shutdown.IsCancellationRequested)
        {
            return Drop(metrics, PublishDropReason.ShuttingDown, "The RabbitMQ transport is shutting down.");
        }

        if (!_inFlight.Wait(0))
        {
            if (Options.Overflow == PartitionOverflow.RejectPublish)
            {
                return Drop(metrics, PublishDropReason.ConfirmWindowFull,
                    $"{Options.MaxPublishesInFlight} publishes already await their confirm ({RabbitMqTransportOptions.SectionName}:MaxPublishesInFlight).");
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token, cancellationToken);
            try
            {
                await _inFlight.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Drop(metrics, PublishDropReason.ShuttingDown, "The RabbitMQ transport is shutting down.");
            }
        }

        try
        {
            return await PublishWithRetryAsync(partition, metrics, message, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<IEdgeBatchSubscription> SubscribeAsync(
        IReadOnlyCollection<int> partitions,
        EdgeBatchHandler handler,
        SubscriptionOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        ArgumentNullException.ThrowIfNull(handler);
        options ??= SubscriptionOptions.Default;
        options.Validate();
        if (partitions.Count == 0)
        {
            throw new ArgumentException("Subscribe to at least one partition.", nameof(partitions));
        }

        int[] selected = [.. partitions];
        foreach (int partition in selected)
        {
            if ((uint)partition >= (uint)PartitionCount)
            {
                throw new ArgumentOutOfRangeException(nameof(partitions), partition, $"Partitions are 0..{PartitionCount - 1}.");
            }
        }

        if (selected.Distinct().Count() != selected.Length)
        {
            throw new ArgumentException("A partition is listed twice.", nameof(partitions));
        }

        var subscription = new RabbitMqSubscription(this, selected, handler, options);
        lock (_subscriptionsGate)
        {
            if (_shutdownTask is not null)
            {
                throw new InvalidOperationException("The RabbitMQ transport is shutting down.");
            }

            if (selected.FirstOrDefault(_consumedPartitions.Contains, -1) is var taken and >= 0)
            {
                throw new InvalidOperationException($"Partition {taken} already has an active consumer.");
            }

            _consumedPartitions.UnionWith(selected);
            _subscriptions.Add(subscription);
        }

        try
        {
            await subscription.StartAsync(_connection, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Forget(subscription);
            throw;
        }

        return subscription;
    }

    /// <inheritdoc />
    /// <remarks><c>Ready</c> is the queue depth last read by <see cref="RefreshReadyAsync"/> (the broker holds the queue).</remarks>
    public PartitionMetricsSnapshot GetMetrics(int partition)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, PartitionCount);
        int unacked;
        lock (_subscriptionsGate)
        {
            unacked = _subscriptions.Sum(s => s.Unacked(partition));
        }

        return _metrics[partition].Snapshot(Volatile.Read(ref _ready[partition]), unacked);
    }

    /// <summary>Reads every partition queue's ready count from the broker (for <see cref="GetMetrics"/>'s <c>Ready</c>).</summary>
    public async Task RefreshReadyAsync(CancellationToken cancellationToken = default)
    {
        await using IChannel channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        for (int p = 0; p < PartitionCount; p++)
        {
            QueueDeclareOk ok = await channel.QueueDeclarePassiveAsync(Options.QueueName(p), cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _ready[p], (int)Math.Min(int.MaxValue, ok.MessageCount));
        }

        await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask ShutdownAsync(CancellationToken cancellationToken = default)
    {
        lock (_subscriptionsGate)
        {
            _shutdownTask ??= ShutdownCoreAsync(cancellationToken);
            return new ValueTask(_shutdownTask);
        }
    }

    /// <summary>Shuts down without waiting for in-flight publishes; unconsumed batches stay in the broker's queues.</summary>
    public ValueTask DisposeAsync() => ShutdownAsync(new CancellationToken(canceled: true));

    internal PartitionMetrics MetricsOf(int partition) => _metrics[partition];

    internal void Forget(RabbitMqSubscription subscription)
    {
        lock (_subscriptionsGate)
        {
            if (_subscriptions.Remove(subscription))
            {
                _consumedPartitions.ExceptWith(subscription.Partitions);
            }
        }
    }

    private async Task ShutdownCoreAsync(CancellationToken cancellationToken)
    {
        await Task.Yield(); // leave the caller's lock
        await _shutdown.CancelAsync().ConfigureAwait(false);
        try
        {
            // Let publishes already sent get their confirm: wait until every in-flight slot is free.
            for (int i = 0; i < Options.MaxPublishesInFlight; i++)
            {
                await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Deadline: whatever is unconfirmed is the publisher's to retry.
        }

        await Subscriptions.DisposeAllAsync(_subscriptionsGate, _subscriptions).ConfigureAwait(false);

        _connection.ConnectionShutdownAsync -= OnConnectionShutdownAsync;
        _connection.RecoverySucceededAsync -= OnRecoverySucceededAsync;
        await _publishChannelGate.WaitAsync(CancellationToken.None).ConfigureAwait(false); // no replacement from here on
        IChannel publishChannel = _publishChannel;
        try
        {
            await publishChannel.CloseAsync(CancellationToken.None).ConfigureAwait(false);
            await _connection.CloseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException)
        {
            // Closed already: nothing left to release on the broker.
        }

        await publishChannel.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Publishes and awaits the confirm. A connection lost before the confirm retries on the recovered
    /// connection until <see cref="RabbitMqTransportOptions.PublishTimeout"/>: the broker may then hold
    /// the batch twice, which consumers already handle (a redelivery is de-duplicated by batch sequence).
    /// A publish channel closed by the broker while the connection stays up is replaced and the publish
    /// retried; a batch the broker refuses as too large is dropped at once.
    /// </summary>
    private async Task<PublishResult> PublishWithRetryAsync(int partition, PartitionMetrics metrics, EdgeBatchMessage message, CancellationToken cancellationToken)
    {
        BasicProperties properties = RabbitMqHeaders.For(message);
        string routingKey = RabbitMqTopology.RoutingKey(partition);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Options.PublishTimeout);
        Exception? last = null;
        while (true)
        {
            IChannel channel = Volatile.Read(ref _publishChannel);
            try
            {
                await channel.BasicPublishAsync(Options.Exchange, routingKey, mandatory: true, properties, message.Payload, deadline.Token)
                    .ConfigureAwait(false);
                metrics.RecordConfirmed();
                return PublishResult.Confirmed;
            }
            catch (PublishException ex) when (ex.IsReturn)
            {
                return Drop(metrics, PublishDropReason.Unroutable, $"No queue is bound for partition {partition} on exchange '{Options.Exchange}'.");
            }
            catch (PublishException)
            {
                return Drop(metrics, PublishDropReason.BrokerRejected,
                    Options.MaxQueueLength > 0
                        ? $"The broker refused the batch: queue {Options.QueueName(partition)} is full ({RabbitMqTransportOptions.SectionName}:MaxQueueLength = {Options.MaxQueueLength})."
                        : $"The broker refused the batch for queue {Options.QueueName(partition)}.");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException)
            {
                break; // publish timeout
            }
            catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
            {
                last = ex;
                if (_shutdown.IsCancellationRequested && ex is ObjectDisposedException)
                {
                    return Drop(metrics, PublishDropReason.ShuttingDown, "The RabbitMQ transport is shutting down.");
                }

                if (PeerClosed(channel, ex) is { } reason)
                {
                    await RecoverPublishChannelAsync(channel, reason, deadline.Token).ConfigureAwait(false);
                    if (TooLargeLimit(reason) is { } max && message.Payload.Length > max)
                    {
                        Interlocked.Increment(ref _tooLarge);
                        _logger.LogWarning("Batch {Sequence} of {Sensor} dropped: {Size} bytes exceed the broker's max_message_size ({Max})",
                            message.BatchSequence, message.SensorId, message.Payload.Length, max);
                        return Drop(metrics, PublishDropReason.MessageTooLarge,
                            $"The RabbitMQ broker at {Options.RedactedUri()} refuses batches over {max} bytes (its max_message_size); this one has {message.Payload.Length}.");
                    }
                }

                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        _logger.LogWarning(last, "Batch {Sequence} of {Sensor} dropped: no confirm from the broker within {Timeout}", message.BatchSequence, message.SensorId, Options.PublishTimeout);
        return Drop(metrics, PublishDropReason.BrokerUnavailable,
            $"No confirm from the RabbitMQ broker at {Options.RedactedUri()} within {Options.PublishTimeout} ({RabbitMqTransportOptions.SectionName}:PublishTimeout).");
    }

    /// <summary>
    /// Why the broker closed <paramref name="channel"/> while the connection stays open; null when the channel is open,
    /// was closed by us, or went down with its connection (automatic recovery handles that).
    /// </summary>
    private ShutdownEventArgs? PeerClosed(IChannel channel, Exception ex)
    {
        ShutdownEventArgs? reason = channel.CloseReason ?? (ex as OperationInterruptedException)?.ShutdownReason;
        return reason is { Initiator: ShutdownInitiator.Peer } && channel.IsClosed && _connection.IsOpen && !_shutdown.IsCancellationRequested ? reason : null;
    }

    /// <summary>
    /// Replaces a publish channel the broker closed (unless another publisher already did), first re-declaring the
    /// topology when the close was a 404 (the exchange or a queue was deleted). A failure is logged; the caller's retry
    /// loop tries again until its publish timeout.
    /// </summary>
    private async Task RecoverPublishChannelAsync(IChannel failed, ShutdownEventArgs reason, CancellationToken cancellationToken)
    {
        try
        {
            await _publishChannelGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // the publish timed out: its loop ends
        }

        try
        {
            if (!ReferenceEquals(_publishChannel, failed) || _shutdown.IsCancellationRequested)
            {
                return;
            }

            _logger.LogWarning("RabbitMQ publish channel closed by the broker ({Code} {Reason}); reopening it", reason.ReplyCode, reason.ReplyText);
            if (reason.ReplyCode == Constants.NotFound)
            {
                await RabbitMqTopology.DeclareAsync(_connection, Options, cancellationToken).ConfigureAwait(false);
            }

            IChannel fresh = await CreatePublishChannelAsync(_connection, Options, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _publishChannel, fresh);
            Interlocked.Increment(ref _channelRecoveries);
            try
            {
                await failed.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
            {
                // It is closed already; disposing only releases the client's side.
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Reopening the RabbitMQ publish channel failed; retrying with the next publish attempt");
        }
        catch (OperationCanceledException)
        {
            // The publish timed out while reopening: the next publish tries again.
        }
        finally
        {
            _publishChannelGate.Release();
        }
    }

    /// <summary>The broker's max_message_size when <paramref name="reason"/> is its refusal of a batch over it (406), else null.</summary>
    private static long? TooLargeLimit(ShutdownEventArgs reason) =>
        reason.ReplyCode == Constants.PreconditionFailed && MaxSizePattern().Match(reason.ReplyText) is { Success: true } m
            && long.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out long max)
            ? max
            : null;

    /// <summary>RabbitMQ's text for it: "message size 2000 is larger than configured max size 1024".</summary>
    [GeneratedRegex(@"larger than configured max size (\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex MaxSizePattern();

    private Task OnConnectionShutdownAsync(object sender, ShutdownEventArgs args)
    {
        if (args.Initiator != ShutdownInitiator.Application)
        {
            Interlocked.Increment(ref _connectionLosses);
            _logger.LogWarning("RabbitMQ connection to {Broker} lost ({Reason}); recovering", Options.RedactedUri(), args.ReplyText);
        }

        return Task.CompletedTask;
    }

    private Task OnRecoverySucceededAsync(object sender, AsyncEventArgs args)
    {
        Interlocked.Increment(ref _recoveries);
        _logger.LogInformation("RabbitMQ connection to {Broker} recovered", Options.RedactedUri());
        return Task.CompletedTask;
    }

    private static PublishResult Drop(PartitionMetrics metrics, PublishDropReason reason, string detail)
    {
        metrics.RecordDropped();
        return PublishResult.Dropped(reason, detail);
    }

    /// <summary>One sentence naming the broker (never the password) and the setting to change.</summary>
    private static EdgeTransportConnectionException ConnectError(RabbitMqTransportOptions options, Exception ex)
    {
        const string UriKey = RabbitMqTransportOptions.SectionName + ":Uri";
        string broker = options.RedactedUri();
        bool refusedLogin = Unwrap(ex).Any(e => e is AuthenticationFailureException or PossibleAuthenticationFailureException
            || (e is OperationInterruptedException oi && oi.ShutdownReason?.ReplyCode == 403));
        string message = refusedLogin
            ? $"The RabbitMQ broker at {broker} refused the user name or password (check the credentials in {UriKey}, or the user's access to the virtual host)."
            : ex is OperationCanceledException
                ? $"Cannot reach the RabbitMQ broker at {broker} within {options.ConnectTimeout} (check {UriKey}, or that the broker runs: scripts/setup-rabbitmq.sh)."
                : $"Cannot reach the RabbitMQ broker at {broker} (check {UriKey}, or that the broker runs: scripts/setup-rabbitmq.sh): {Unwrap(ex).Last().Message}";
        return new EdgeTransportConnectionException(message, UriKey, ex);
    }

    private static IEnumerable<Exception> Unwrap(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
