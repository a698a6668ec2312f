using System.Net;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace NerfEngine.Control.Ingress.EveStreamer;

/// <summary>
/// The ingress's own Kestrel endpoint: cleartext HTTP/2 with prior knowledge (what gRPC clients speak on an
/// insecure channel), on <see cref="EveStreamerOptions.Hostname"/>:<see cref="EveStreamerOptions.Port"/>. Its
/// connections are tagged, so the gRPC service answers only there and the node's other routes never do.
/// </summary>
public sealed class EveStreamerListener
{
    /// <summary>Key of the connection item that marks a connection accepted by this listener.</summary>
    private static readonly object ConnectionTag = new();

    private readonly EveStreamerOptions _options;

    /// <summary>Kestrel's options for the endpoint; after start its end point holds the bound port.</summary>
    private ListenOptions? _listen;

    public EveStreamerListener(EveStreamerOptions options) => _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Whether the ingress is configured to serve (<see cref="EveStreamerOptions.Enabled"/>).</summary>
    public bool Enabled => _options.Enabled;

    /// <summary>The bound address and port once the server started (the real port when configured as 0), else null.</summary>
    public IPEndPoint? EndPoint => _listen?.IPEndPoint is { Port: > 0 } bound ? bound : null;

    /// <summary>Adds the HTTP/2-only endpoint to Kestrel (nothing when disabled).</summary>
    internal void AddTo(KestrelServerOptions kestrel)
    {
        if (!_options.Enabled)
        {
            return;
        }

        var address = _options.BindAddress()
            ?? throw new InvalidOperationException($"{EveStreamerOptions.Section}:Hostname must be an IP address, got '{_options.Hostname}'.");
        kestrel.Listen(address, _options.Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.Use(next => connection =>
            {
                connection.Items[ConnectionTag] = this;
                return next(connection);
            });
            _listen = listen;
        });
    }

    /// <summary>Whether <paramref name="context"/> arrived on this listener.</summary>
    public bool Serves(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items is { } items
        && items.TryGetValue(ConnectionTag, out var listener)
        && ReferenceEquals(listener, this);
}
