using System.Runtime.CompilerServices;

namespace NerfEngine.Shared.Fabric.Streams;

/// <summary>
/// An <see cref="IAsyncEnumerable{T}"/> that re-creates its source when it fails, waiting an
/// exponential backoff (<see cref="RestartSettings"/>) between attempts, and gives up with
/// <see cref="RestartLimitExceededException"/> after <see cref="RestartSettings.MaxRestarts"/>
/// consecutive restarts. Items already emitted stay emitted; a restarted source starts afresh
/// (resuming where it left off is the factory's job, e.g. from a stored sequence number).
/// </summary>
/// <remarks>
/// Restarts on failure only: a source that completes normally completes the restart source, and
/// cancellation by the consumer is never a failure. A failure is an exception from the factory or
/// from the source's enumeration.
/// </remarks>
public sealed class RestartSource<T> : IAsyncEnumerable<T>
{
    private readonly Func<CancellationToken, IAsyncEnumerable<T>> _sourceFactory;
    private readonly TimeProvider _timeProvider;

    /// <summary>Source of jitter samples; injectable so tests are deterministic.</summary>
    private readonly Random _random;

    /// <summary>Total restarts across all enumerations; only ever grows.</summary>
    private int _restarts;

    private Exception? _lastFailure;

    /// <summary>Creates a restarting source.</summary>
    /// <param name="name">Shown in errors, e.g. <c>"eve-json /var/log/suricata/eve.json"</c>.</param>
    /// <param name="sourceFactory">Creates a fresh source for each attempt.</param>
    /// <param name="settings">Backoff and restart limit.</param>
    /// <param name="timeProvider">The clock the backoff waits on.</param>
    /// <param name="random">Jitter samples; defaults to <see cref="Random.Shared"/>.</param>
    public RestartSource(
        string name,
        Func<CancellationToken, IAsyncEnumerable<T>> sourceFactory,
        RestartSettings settings,
        TimeProvider timeProvider,
        Random? random = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(sourceFactory);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(timeProvider);
        settings.Validate();
        Name = name;
        Settings = settings;
        _sourceFactory = sourceFactory;
        _timeProvider = timeProvider;
        _random = random ?? Random.Shared;
    }

    /// <summary>Shown in errors.</summary>
    public string Name { get; }

    /// <summary>The backoff and limit.</summary>
    public RestartSettings Settings { get; }

    /// <summary>How many times a failed source has been re-created, in total.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>The most recent failure of the source, or null if it never failed.</summary>
    public Exception? LastFailure => Volatile.Read(ref _lastFailure);

    /// <inheritdoc />
    public async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        int consecutiveRestarts = 0;
        while (true)
        {
            long startedAt = _timeProvider.GetTimestamp();
            Exception? failure = null;
            IAsyncEnumerator<T>? enumerator = null;
            try
            {
                while (true)
                {
                    T item;
                    try
                    {
                        enumerator ??= _sourceFactory(cancellationToken).GetAsyncEnumerator(cancellationToken);
                        if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }

                        item = enumerator.Current;
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        throw;
                    }
                    catch (Exception exception)
                    {
                        failure = exception;
                        break;
                    }

                    yield return item;
                }
            }
            finally
            {
                if (enumerator is not null)
                {
                    await DisposeQuietlyAsync(enumerator).ConfigureAwait(false);
                }
            }

            if (failure is null)
            {
                yield break;
            }

            Volatile.Write(ref _lastFailure, failure);
            if (Settings.ResetAfter is { } resetAfter && _timeProvider.GetElapsedTime(startedAt) >= resetAfter)
            {
                consecutiveRestarts = 0;
            }

            if (consecutiveRestarts >= Settings.MaxRestarts)
            {
                throw new RestartLimitExceededException(Name, consecutiveRestarts, Settings.MaxRestarts, failure);
            }

            consecutiveRestarts++;
            TimeSpan delay = BackoffSchedule.Delay(Settings, consecutiveRestarts, Settings.RandomFactor > 0 ? _random.NextDouble() : 0.0);
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _restarts);
        }
    }

    /// <summary>A failed source may also fail to dispose; that must not hide the original failure.</summary>
    private static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<T> enumerator)
    {
        try
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Deliberately ignored: the source is being replaced or the stream is ending anyway.
        }
    }
}

/// <summary>Factory methods for <see cref="RestartSource{T}"/>.</summary>
public static class RestartSource
{
    /// <summary>Restarts <paramref name="sourceFactory"/>'s source whenever it fails, with backoff.</summary>
    public static RestartSource<T> OnFailuresWithBackoff<T>(
        string name,
        Func<CancellationToken, IAsyncEnumerable<T>> sourceFactory,
        RestartSettings settings,
        TimeProvider timeProvider,
        Random? random = null) =>
        new(name, sourceFactory, settings, timeProvider, random);
}
