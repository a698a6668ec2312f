using System.Net;

namespace NerfEngine.Control.Ingress.EveStreamer;

/// <summary>
/// The eve-streamer gRPC ingress (configuration section <c>Ingress:EveStreamer</c>): its own cleartext HTTP/2 listener,
/// the shippers' bearer tokens, and the limits applied to each stream and event.
/// </summary>
public sealed class EveStreamerOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Ingress:EveStreamer";

    /// <summary>The port gRPC servers conventionally use.</summary>
    public const int DefaultPort = 50051;

    /// <summary>4 MiB: gRPC's customary default receive limit per message.</summary>
    public const int DefaultMaxMessageBytes = 4 * 1024 * 1024;

    /// <summary>Entities per event; eve records reduced to key/value pairs carry a few dozen.</summary>
    public const int DefaultMaxEntitiesPerEvent = 256;

    /// <summary>Rejection reasons quoted in a stream's summary message (all are counted).</summary>
    public const int DefaultMaxReasonsInSummary = 5;

    /// <summary>Prefix of the live-event source: <c>grpc:</c> + token name.</summary>
    public const string DefaultSourcePrefix = "grpc:";

    /// <summary>Streams served at once by the node: a site runs a shipper per sensor or Suricata host, rarely dozens.</summary>
    public const int DefaultMaxConcurrentStreams = 64;

    /// <summary>Streams at once on one HTTP/2 connection: a shipper's channel multiplexes its workers' streams on one.</summary>
    public const int DefaultMaxConcurrentStreamsPerConnection = 16;

    /// <summary>A shipper with nothing to send for this long is holding a slot for nothing.</summary>
    public static readonly TimeSpan DefaultMessageIdleTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Quiet time on a connection before the server pings the peer (HTTP/2 PING).</summary>
    public static readonly TimeSpan DefaultKeepAlivePingDelay = TimeSpan.FromMinutes(1);

    /// <summary>How long an unanswered ping may wait before the connection is closed as dead (gRPC's customary 20 s).</summary>
    public static readonly TimeSpan DefaultKeepAlivePingTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Kestrel's floor for both keep-alive ping settings.</summary>
    public static readonly TimeSpan MinKeepAlivePing = TimeSpan.FromSeconds(1);

    /// <summary>Serve the ingress. Off by default: it opens a port of its own.</summary>
    public bool Enabled { get; set; }

    /// <summary>Interface to bind (an IP address, or 0.0.0.0 / * for all). Loopback by default.</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>TCP port of the cleartext HTTP/2 (h2c prior knowledge) listener; 0 picks a free port (tests).</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>Shippers allowed to stream: bearer token (or its SHA-256) → name. An enabled ingress needs at least one.</summary>
    public List<EveStreamerTokenOptions> Tokens { get; set; } = [];

    /// <summary>Largest message accepted, before and after decompression; larger → RESOURCE_EXHAUSTED.</summary>
    public int MaxMessageBytes { get; set; } = DefaultMaxMessageBytes;

    /// <summary>Events with more entities are rejected (counted, with the reason in the summary).</summary>
    public int MaxEntitiesPerEvent { get; set; } = DefaultMaxEntitiesPerEvent;

    /// <summary>How many rejection reasons a stream's summary message quotes.</summary>
    public int MaxReasonsInSummary { get; set; } = DefaultMaxReasonsInSummary;

    /// <summary>Events stamped further ahead of this node's clock are rejected.</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Events stamped before this are rejected; the default (2000-01-01) catches shippers that send seconds where the
    /// contract says milliseconds.
    /// </summary>
    public DateTimeOffset EarliestTimestamp { get; set; } = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Prefix of <see cref="LiveIngest.LiveEvent.Source"/>; the token's name follows.</summary>
    public string SourcePrefix { get; set; } = DefaultSourcePrefix;

    /// <summary>StreamEvents calls served at once by this node; calls past it are RESOURCE_EXHAUSTED (counted).</summary>
    public int MaxConcurrentStreams { get; set; } = DefaultMaxConcurrentStreams;

    /// <summary>StreamEvents calls served at once on one HTTP/2 connection; calls past it are RESOURCE_EXHAUSTED (counted).</summary>
    public int MaxConcurrentStreamsPerConnection { get; set; } = DefaultMaxConcurrentStreamsPerConnection;

    /// <summary>
    /// A stream that delivers no whole message for this long ends with DEADLINE_EXCEEDED; what it delivered stays
    /// accepted. Zero turns it off (only the client's grpc-timeout then bounds a quiet stream).
    /// </summary>
    public TimeSpan MessageIdleTimeout { get; set; } = DefaultMessageIdleTimeout;

    /// <summary>
    /// A connection silent for this long is pinged (HTTP/2 PING), so dead shippers are found; zero turns pings off.
    /// Kestrel applies it to every HTTP/2 connection of the node, and the ingress is the node's only HTTP/2 listener.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = DefaultKeepAlivePingDelay;

    /// <summary>A connection whose peer sends nothing for this long after a ping is closed.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = DefaultKeepAlivePingTimeout;

    /// <summary>Whether <see cref="MessageIdleTimeout"/> is enforced.</summary>
    public bool HasMessageIdleTimeout => MessageIdleTimeout > TimeSpan.Zero;

    /// <summary>Whether the server sends keep-alive pings (<see cref="KeepAlivePingDelay"/> is not zero).</summary>
    public bool SendsKeepAlivePings => KeepAlivePingDelay > TimeSpan.Zero;

    /// <summary>The address to bind, or null when <see cref="Hostname"/> is not one (see <see cref="Validate"/>).</summary>
    public IPAddress? BindAddress() =>
        Hostname is "*" or "0.0.0.0" ? IPAddress.Any
        : IPAddress.TryParse(Hostname, out var ip) ? ip
        : null;

    /// <summary>Every problem with these options (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (BindAddress() is null)
        {
            errors.Add($"{Section}:Hostname must be an IP address (or 0.0.0.0 / *), got '{Hostname}'.");
        }

        if (Port is < 0 or > 65535)
        {
            errors.Add($"{Section}:Port must be 0..65535, got {Port}.");
        }

        if (MaxMessageBytes < 1024)
        {
            errors.Add($"{Section}:MaxMessageBytes must be at least 1024, got {MaxMessageBytes}.");
        }

        if (MaxEntitiesPerEvent < 1)
        {
            errors.Add($"{Section}:MaxEntitiesPerEvent must be at least 1, got {MaxEntitiesPerEvent}.");
        }

        if (MaxReasonsInSummary < 0)
        {
            errors.Add($"{Section}:MaxReasonsInSummary must not be negative, got {MaxReasonsInSummary}.");
        }

        if (MaxFutureSkew < TimeSpan.Zero)
        {
            errors.Add($"{Section}:MaxFutureSkew must not be negative, got {MaxFutureSkew}.");
        }

        if (MaxConcurrentStreams < 1)
        {
            errors.Add($"{Section}:MaxConcurrentStreams must be at least 1, got {MaxConcurrentStreams}.");
        }

        if (MaxConcurrentStreamsPerConnection < 1)
        {
            errors.Add($"{Section}:MaxConcurrentStreamsPerConnection must be at least 1, got {MaxConcurrentStreamsPerConnection}.");
        }

        if (MessageIdleTimeout < TimeSpan.Zero || MessageIdleTimeout > Grpc.GrpcTimeout.Longest)
        {
            errors.Add($"{Section}:MessageIdleTimeout must be 0 (off) or positive up to {Grpc.GrpcTimeout.Longest}, got {MessageIdleTimeout}.");
        }

        if (KeepAlivePingDelay != TimeSpan.Zero && KeepAlivePingDelay < MinKeepAlivePing)
        {
            errors.Add($"{Section}:KeepAlivePingDelay must be 0 (no pings) or at least {MinKeepAlivePing}, got {KeepAlivePingDelay}.");
        }

        if (SendsKeepAlivePings && KeepAlivePingTimeout < MinKeepAlivePing)
        {
            errors.Add($"{Section}:KeepAlivePingTimeout must be at least {MinKeepAlivePing}, got {KeepAlivePingTimeout}.");
        }

        if (string.IsNullOrWhiteSpace(SourcePrefix))
        {
            errors.Add($"{Section}:SourcePrefix must not be empty.");
        }

        if (Enabled && Tokens.Count == 0)
        {
            errors.Add($"{Section}:Tokens is empty: every stream would be refused. Add at least one {{ \"Name\": …, \"Token\" or \"TokenSha256\": … }}.");
        }

        return errors;
    }
}

/// <summary>One shipper's credentials (an entry of <c>Ingress:EveStreamer:Tokens</c>).</summary>
public sealed class EveStreamerTokenOptions
{
    /// <summary>Shipper name; events carry the source <c>grpc:NAME</c>.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Bearer token in clear (convenient for development); prefer <see cref="TokenSha256"/>.</summary>
    public string? Token { get; set; }

    /// <summary>Hex SHA-256 of the bearer token, so configuration files need not hold the secret.</summary>
    public string? TokenSha256 { get; set; }
}
