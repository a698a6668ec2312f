using System.Net;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using NerfEngine.Shared.Fabric.Hosting;

namespace NerfEngine.Control.Ingress.EveStreamer;

/// <summary>
/// The ingress's own Kestrel endpoint: cleartext HTTP/2 with prior knowledge (what gRPC clients speak on an
/// insecure channel), on <see cref="EveStreamerOptions.Hostname"/>:<see cref="EveStreamerOptions.Port"/>. Its
/// connections are tagged, so the gRPC service answers only there and the node's other routes never do.
/// </summary>
public sealed class EveStreamerListener
{
    /// <summary>Key of the connection item that marks a connection accepted by this listener (its value: <see cref="Tag"/>).</summary>
    private static readonly object ConnectionTag = new();

    private readonly EveStreamerOptions _options;

    /// <summary>Kestrel's options for the endpoint; after start its end point holds the bound port.</summary>
    private ListenOptions? _listen;

    public EveStreamerListener(EveStreamerOptions options) => _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Whether the ingress is configured to serve (<see cref="EveStreamerOptions.Enabled"/>).</summary>
    public bool Enabled => _options.Enabled;

    /// <summary>The bound address and port once the server started (the real port when configured as 0), else null.</summary>
    public IPEndPoint? EndPoint => _listen?.IPEndPoint is { Port: > 0 } bound ? bound : null;

    /// <summary>Adds the HTTP/2-only endpoint to Kestrel, with keep-alive pings (nothing when disabled).</summary>
    internal void AddTo(KestrelServerOptions kestrel)
    {
        if (!_options.Enabled)
        {
            return;
        }

        // Kestrel keeps its HTTP/2 limits server-wide, not per endpoint; the management listener answers HTTP/2 with
        // GOAWAY HTTP_1_1_REQUIRED, so in practice these reach the ingress's connections only. Pings find shippers that
        // vanished without a FIN (power loss, NAT state dropped), whose streams would otherwise wait for the idle timeout.
        if (_options.SendsKeepAlivePings)
        {
            kestrel.Limits.Http2.KeepAlivePingDelay = _options.KeepAlivePingDelay;
            kestrel.Limits.Http2.KeepAlivePingTimeout = _options.KeepAlivePingTimeout;
        }

        var address = _options.BindAddress()
            ?? throw new InvalidOperationException($"{EveStreamerOptions.Section}:Hostname must be an IP address, got '{_options.Hostname}'.");
        kestrel.ApplicationServices?.GetService<ListenerSettings>()?.Add(address, _options.Port, "the eve-streamer gRPC ingress", $"{EveStreamerOptions.Section}:Port");
        kestrel.Listen(address, _options.Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.Use(next => connection =>
            {
                connection.Items[ConnectionTag] = new Tag(this, new ConnectionStreams());
                return next(connection);
            });
            _listen = listen;
        });
    }

    /// <summary>Whether <paramref name="context"/> arrived on this listener.</summary>
    public bool Serves(HttpContext context) => StreamsOf(context) is not null;

    /// <summary>The stream count of the connection <paramref name="context"/> arrived on, or null when not on this listener.</summary>
    public ConnectionStreams? StreamsOf(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items is { } items
        && items.TryGetValue(ConnectionTag, out var value)
        && value is Tag tag
        && ReferenceEquals(tag.Listener, this)
            ? tag.Streams
            : null;

    /// <summary>What a connection of this listener carries: who accepted it and its streams in progress.</summary>
    private sealed record Tag(EveStreamerListener Listener, ConnectionStreams Streams);
}
