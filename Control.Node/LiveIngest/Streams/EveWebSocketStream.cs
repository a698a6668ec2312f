using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using NerfEngine.Sensor.Capture.EveJson;
using NerfEngine.Shared.Fabric.Streams;

namespace NerfEngine.Control.LiveIngest.Streams;

/// <summary>
/// One connect_stream connection: a WebSocket client (Authorization: Bearer) reading Suricata eve JSON — one object per
/// text message, or several separated by newlines — into the live-ingest queue. Reconnects after any drop with capped
/// exponential backoff (<see cref="BackoffSchedule"/>), except when the endpoint refuses the token (401/403: stopped, the
/// error kept). Bad messages are counted, never fatal.
/// </summary>
public sealed class EveWebSocketStream : IAsyncDisposable
{
    private const int InitialBufferBytes = 16 * 1024;

    private readonly string _token;
    private readonly ILiveEventSink _sink;
    private readonly LiveIngestOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EveLiveEventParser _parser;
    private readonly RestartSettings _backoff;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _statusLock = new();
    private readonly long[] _offers = new long[Enum.GetValues<LiveOfferOutcome>().Length];
    /// <summary>Lines that are not eve events, by the eve.json tailer's outcome names.</summary>
    private readonly long[] _badLines = new long[EveLineOutcomes.Count];

    /// <summary>Receive buffer; grows by doubling up to <see cref="LiveIngestOptions.MaxMessageBytes"/>. Reader loop only.</summary>
    private byte[] _buffer = new byte[InitialBufferBytes];

    private Task _reader = Task.CompletedTask;
    private long _messages;
    private long _events;
    private long _oversized;
    private long _nonText;
    private long _reconnects;

    // Guarded by _statusLock.
    private LiveStreamState _state = LiveStreamState.Connecting;
    private DateTimeOffset? _connectedSince;
    private DateTimeOffset? _nextAttemptAt;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;

    public EveWebSocketStream(string name, Uri url, string credential, string token, ILiveEventSink sink, LiveIngestOptions options, TimeProvider time, ILogger logger)
    {
        Name = name;
        Url = url;
        Credential = credential;
        _token = token;
        _sink = sink;
        _options = options;
        _time = time;
        _logger = logger;
        Endpoint = new UriBuilder(url) { UserName = string.Empty, Password = string.Empty, Query = string.Empty, Fragment = string.Empty }.Uri.ToString();
        _parser = new EveLiveEventParser($"ws:{name}", options.MaxEntitiesPerEvent);
        _backoff = new RestartSettings(options.ReconnectMinBackoff, options.ReconnectMaxBackoff, RandomFactor: options.ReconnectJitter);
    }

    public string Name { get; }

    public Uri Url { get; }

    /// <summary>The URL without user info or query, for status and errors (either may hold a secret).</summary>
    public string Endpoint { get; }

    /// <summary>Name of the configured credential whose token is sent.</summary>
    public string Credential { get; }

    /// <summary>
    /// Performs the first handshake (bounded by <see cref="LiveIngestOptions.HandshakeTimeout"/>) and starts reading.
    /// Throws <see cref="LiveStreamConnectException"/> when it fails; nothing keeps running then.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var socket = await ConnectAsync(linked.Token).ConfigureAwait(false);
        Connected();
        _reader = Task.Run(() => RunAsync(socket), CancellationToken.None);
    }

    /// <summary>The stream's state and counters now.</summary>
    public LiveStreamStatus Status()
    {
        long Line(EveLineOutcome o) => Interlocked.Read(ref _badLines[(int)o]);
        long Offer(LiveOfferOutcome o) => Interlocked.Read(ref _offers[(int)o]);
        lock (_statusLock)
        {
            return new LiveStreamStatus(
                Name, Endpoint, Credential, _state, _state == LiveStreamState.Connected, _connectedSince,
                Interlocked.Read(ref _messages), Interlocked.Read(ref _events), Line(EveLineOutcome.MalformedJson),
                Line(EveLineOutcome.NotAnObject) + Line(EveLineOutcome.MissingEventType) + Line(EveLineOutcome.MissingTimestamp) + Line(EveLineOutcome.BadTimestamp),
                Interlocked.Read(ref _oversized), Interlocked.Read(ref _nonText),
                Offer(LiveOfferOutcome.Queued),
                Offer(LiveOfferOutcome.DroppedQueueFull) + Offer(LiveOfferOutcome.DroppedAboveBaseline) + Offer(LiveOfferOutcome.DroppedLowNovelty),
                Offer(LiveOfferOutcome.Unmappable),
                Interlocked.Read(ref _reconnects), _lastError, _lastErrorAt, _nextAttemptAt);
        }
    }

    /// <summary>Stops reading and reconnecting, and closes the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await _reader.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping is the expected end of the reader.
        }

        lock (_statusLock)
        {
            if (_state != LiveStreamState.Failed) _state = LiveStreamState.Stopped;
            _nextAttemptAt = null;
        }

        _stop.Dispose();
    }

    private async Task<ClientWebSocket> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {_token}");
        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await socket.ConnectAsync(Url, linked.Token).ConfigureAwait(false);
            return socket;
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new LiveStreamConnectException(LiveStreamFailure.Unreachable,
                $"no WebSocket handshake from {Endpoint} within {_options.HandshakeTimeout.TotalSeconds:0.###} s", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var status = (int)socket.HttpStatusCode;
            socket.Dispose();
            throw LiveStreamConnectException.FromHandshake(Endpoint, status, ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads until stopped: each connection until it drops, then reconnects with backoff.</summary>
    private async Task RunAsync(ClientWebSocket socket)
    {
        var failures = 0;
        var token = _stop.Token;
        while (true)
        {
            var connectedAt = _time.GetUtcNow();
            try
            {
                var close = await ReadAsync(socket, token).ConfigureAwait(false);
                Failed($"the server closed the stream ({close})");
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                return; // stopped: disconnect_stream or shutdown
            }
            catch (Exception ex)
            {
                Failed($"the connection dropped: {ex.Message}");
            }
            finally
            {
                socket.Abort();
                socket.Dispose();
            }

            if (_time.GetUtcNow() - connectedAt >= _options.ReconnectResetAfter)
            {
                failures = 0;
            }

            var reconnected = await ReconnectAsync(failures, token).ConfigureAwait(false);
            if (reconnected is null)
            {
                return;
            }

            (socket, failures) = reconnected.Value;
        }
    }

    /// <summary>Dials again after the backoff until it connects (returns the socket) or must stop (null).</summary>
    private async Task<(ClientWebSocket Socket, int Failures)?> ReconnectAsync(int failures, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            failures++;
            var delay = BackoffSchedule.Delay(_backoff, failures, Random.Shared.NextDouble());
            SetState(LiveStreamState.Reconnecting, _time.GetUtcNow() + delay);
            try
            {
                await Task.Delay(delay, _time, token).ConfigureAwait(false);
                var socket = await ConnectAsync(token).ConfigureAwait(false);
                Interlocked.Increment(ref _reconnects);
                Connected();
                _logger.LogInformation("Live stream {Stream}: reconnected to {Endpoint} after {Failures} attempt(s)", Name, Endpoint, failures);
                return (socket, failures);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return null;
            }
            catch (LiveStreamConnectException ex)
            {
                Failed(ex.Message);
                if (ex.Failure == LiveStreamFailure.Unauthorized)
                {
                    SetState(LiveStreamState.Failed, null);
                    _logger.LogWarning("Live stream {Stream}: stopped, {Error}", Name, ex.Message);
                    return null;
                }
            }
        }

        return null;
    }

    /// <summary>Reads messages until the server closes (returns its close status) or the socket fails (throws).</summary>
    private async Task<string> ReadAsync(ClientWebSocket socket, CancellationToken token)
    {
        while (true)
        {
            var length = 0;
            var oversized = false;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == _buffer.Length)
                {
                    if (_buffer.Length >= _options.MaxMessageBytes)
                    {
                        oversized = true; // keep draining the message, keep nothing of it
                        length = 0;
                    }
                    else
                    {
                        Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, _options.MaxMessageBytes));
                    }
                }

                result = await socket.ReceiveAsync(_buffer.AsMemory(length), token).ConfigureAwait(false);
                length += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                var status = socket.CloseStatus is { } code ? $"{(int)code} {code}" : "no status";
                return string.IsNullOrEmpty(socket.CloseStatusDescription) ? status : $"{status}: {socket.CloseStatusDescription}";
            }

            Interlocked.Increment(ref _messages);
            if (oversized)
            {
                Interlocked.Increment(ref _oversized);
            }
            else if (result.MessageType != WebSocketMessageType.Text)
            {
                Interlocked.Increment(ref _nonText);
            }
            else
            {
                Process(_buffer.AsMemory(0, length));
            }
        }
    }

    /// <summary>Each non-blank line of a text message is one eve object.</summary>
    private void Process(ReadOnlyMemory<byte> message)
    {
        while (!message.IsEmpty)
        {
            var end = message.Span.IndexOf((byte)'\n');
            var line = end < 0 ? message : message[..end];
            message = end < 0 ? ReadOnlyMemory<byte>.Empty : message[(end + 1)..];
            var trimmed = Trim(line);
            if (trimmed.IsEmpty)
            {
                continue;
            }

            if (!_parser.TryParse(trimmed, out var liveEvent, out var failure))
            {
                Interlocked.Increment(ref _badLines[(int)failure]);
                continue;
            }

            Interlocked.Increment(ref _events);
            Interlocked.Increment(ref _offers[(int)_sink.Offer(liveEvent!)]);
        }
    }

    private static ReadOnlyMemory<byte> Trim(ReadOnlyMemory<byte> line)
    {
        var span = line.Span;
        int start = 0, end = span.Length;
        while (start < end && span[start] is (byte)' ' or (byte)'\t' or (byte)'\r') start++;
        while (end > start && span[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r') end--;
        return line[start..end];
    }

    private void Connected()
    {
        lock (_statusLock)
        {
            _state = LiveStreamState.Connected;
            _connectedSince = _time.GetUtcNow();
            _nextAttemptAt = null;
        }
    }

    private void Failed(string error)
    {
        lock (_statusLock)
        {
            _lastError = error;
            _lastErrorAt = _time.GetUtcNow();
            _connectedSince = null;
        }

        _logger.LogWarning("Live stream {Stream} ({Endpoint}): {Error}", Name, Endpoint, error);
    }

    private void SetState(LiveStreamState state, DateTimeOffset? nextAttemptAt)
    {
        lock (_statusLock)
        {
            _state = state;
            _nextAttemptAt = nextAttemptAt;
        }
    }
}

/// <summary>Where a stream is in its life.</summary>
public enum LiveStreamState
{
    /// <summary>First handshake under way.</summary>
    Connecting,

    /// <summary>Reading events.</summary>
    Connected,

    /// <summary>Dropped; waiting for the next attempt (see next_attempt_at).</summary>
    Reconnecting,

    /// <summary>Stopped by disconnect_stream or node shutdown.</summary>
    Stopped,

    /// <summary>Given up: the endpoint refused the token (see last_error).</summary>
    Failed,
}

/// <summary>One stream's state and counters (connect_stream, list_streams).</summary>
/// <param name="Name">Stream name (events carry source <c>ws:NAME</c>).</param>
/// <param name="Endpoint">URL without user info or query.</param>
/// <param name="Credential">Configured credential whose token is sent (never the token).</param>
/// <param name="State">Life-cycle state.</param>
/// <param name="Connected">True while reading.</param>
/// <param name="ConnectedSince">When the current connection was made.</param>
/// <param name="Messages">WebSocket messages received.</param>
/// <param name="Events">eve objects parsed into events.</param>
/// <param name="BadJson">Lines that were not JSON.</param>
/// <param name="InvalidEvents">JSON lines that are not eve events (not an object, no event_type, no timestamp).</param>
/// <param name="Oversized">Messages above LiveIngest:MaxMessageBytes, skipped.</param>
/// <param name="NonText">Binary messages, skipped.</param>
/// <param name="Queued">Events the queue accepted.</param>
/// <param name="Dropped">Events the queue dropped (full, above baseline, low novelty).</param>
/// <param name="Unmappable">Events that cannot become an edge.</param>
/// <param name="Reconnects">Successful reconnects.</param>
/// <param name="LastError">The latest drop or failed attempt.</param>
/// <param name="LastErrorAt">When it happened.</param>
/// <param name="NextAttemptAt">When reconnecting: the next attempt.</param>
public sealed record LiveStreamStatus(
    string Name, string Endpoint, string Credential, LiveStreamState State, bool Connected, DateTimeOffset? ConnectedSince,
    long Messages, long Events, long BadJson, long InvalidEvents, long Oversized, long NonText, long Queued, long Dropped, long Unmappable,
    long Reconnects, string? LastError, DateTimeOffset? LastErrorAt, DateTimeOffset? NextAttemptAt);
