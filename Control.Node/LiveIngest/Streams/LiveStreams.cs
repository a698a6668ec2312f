using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace NerfEngine.Control.LiveIngest.Streams;

/// <summary>
/// The node's connect_stream connections by name: connect (first handshake awaited, so its failure is the caller's
/// answer), list, disconnect, and stop them all at shutdown. Tokens come from configured credentials
/// (<see cref="LiveIngestOptions.StreamTokens"/>), never from callers.
/// </summary>
public sealed partial class LiveStreams(ILiveEventSink sink, LiveIngestOptions options, TimeProvider time, ILoggerFactory loggers) : IAsyncDisposable
{
    /// <summary>Stream names: what a metric label and a source name can carry.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    public static partial Regex NamePattern();

    private readonly ConcurrentDictionary<string, EveWebSocketStream?> _streams = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggers.CreateLogger<LiveStreams>();
    private int _nextNumber;

    /// <summary>Names of the configured credentials.</summary>
    public IReadOnlyList<string> Credentials => options.StreamTokens.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Connects a new stream and starts reading it. Throws <see cref="LiveStreamConnectException"/> when the first handshake
    /// fails (nothing is kept then), <see cref="ArgumentException"/> for an unknown credential or a bad URL or name, and
    /// <see cref="InvalidOperationException"/> for a name in use or too many streams.
    /// </summary>
    public async Task<LiveStreamStatus> ConnectAsync(string? name, Uri url, string credential, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (CheckUrl(url) is { } problem) throw new ArgumentException(problem, nameof(url));
        if (!options.StreamTokens.TryGetValue(credential, out var token))
        {
            throw new ArgumentException(Credentials.Count == 0
                ? $"no stream credential '{credential}': none is configured (LiveIngest:StreamTokens:NAME=TOKEN)"
                : $"no stream credential '{credential}'; configured: {string.Join(", ", Credentials)}", nameof(credential));
        }

        name ??= NextName();
        if (!NamePattern().IsMatch(name)) throw new ArgumentException($"stream name '{name}' must match {NamePattern()}", nameof(name));
        // Reserved before dialling, so two callers cannot both take the name or both take the last free slot.
        if (!_streams.TryAdd(name, null))
        {
            throw new InvalidOperationException($"a stream named '{name}' exists; disconnect it first or choose another name");
        }

        if (_streams.Count(s => s.Value is null || s.Value.Status().State is not (LiveStreamState.Stopped or LiveStreamState.Failed)) > options.MaxStreams)
        {
            _streams.TryRemove(name, out _);
            throw new InvalidOperationException($"{options.MaxStreams} streams are open (LiveIngest:MaxStreams); disconnect one first");
        }

        var stream = new EveWebSocketStream(name, url, credential, token, sink, options, time, loggers.CreateLogger<EveWebSocketStream>());
        try
        {
            await stream.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _streams.TryRemove(name, out _);
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _streams[name] = stream;
        _logger.LogInformation("Live stream {Stream}: connected to {Endpoint} (credential {Credential})", name, stream.Endpoint, credential);
        return stream.Status();
    }

    /// <summary>Stops and forgets a stream; its final status, or null when there is no such stream.</summary>
    public async Task<LiveStreamStatus?> DisconnectAsync(string name)
    {
        if (!_streams.TryGetValue(name, out var stream) || stream is null || !_streams.TryRemove(new(name, stream)))
        {
            return null;
        }

        await stream.DisposeAsync().ConfigureAwait(false);
        _logger.LogInformation("Live stream {Stream}: disconnected", name);
        return stream.Status();
    }

    /// <summary>Every stream (connecting ones excluded), by name.</summary>
    public IReadOnlyList<LiveStreamStatus> List() =>
        _streams.Values.OfType<EveWebSocketStream>().Select(s => s.Status()).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();

    /// <summary>Why <paramref name="url"/> cannot be a stream endpoint, or null.</summary>
    public static string? CheckUrl(Uri url) =>
        !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeWs && url.Scheme != Uri.UriSchemeWss)
            ? $"'{url}' is not a ws:// or wss:// URL"
            : null;

    public async ValueTask DisposeAsync()
    {
        foreach (var name in _streams.Keys.ToList())
        {
            await DisconnectAsync(name).ConfigureAwait(false);
        }
    }

    private string NextName()
    {
        string name;
        do
        {
            name = $"stream-{Interlocked.Increment(ref _nextNumber)}";
        }
        while (_streams.ContainsKey(name));
        return name;
    }
}
