using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace NerfEngine.Control.Ingress.EveStreamer;

/// <summary>Which bound refused a stream (the metrics label of each is in <see cref="StreamAdmission.Label"/>).</summary>
public enum StreamLimit
{
    /// <summary><see cref="EveStreamerOptions.MaxConcurrentStreams"/>: the node serves as many streams as it may.</summary>
    Node,

    /// <summary><see cref="EveStreamerOptions.MaxConcurrentStreamsPerConnection"/>: the caller's connection carries as many as it may.</summary>
    Connection,
}

/// <summary>
/// Streams in progress on one HTTP/2 connection of the ingress listener (kept in the connection's items, so it goes
/// with the connection).
/// </summary>
public sealed class ConnectionStreams
{
    /// <summary>Admitted streams on this connection not yet released; 0 ≤ value ≤ the per-connection bound.</summary>
    internal int Active;
}

/// <summary>
/// The bounds on concurrent StreamEvents calls: so many for the whole node, so many per connection. A stream holds
/// one slot of each from admission until its call ends. Kestrel's own HTTP/2 stream limit is server-wide (its
/// <c>Http2Limits</c> cannot be set per listener), so the ingress counts its streams itself, and a caller past a
/// bound gets a gRPC status that says which, rather than a refused HTTP/2 stream.
/// </summary>
public sealed class StreamAdmission
{
    private readonly int _maxPerNode;
    private readonly int _maxPerConnection;

    /// <summary>Admitted streams on the node not yet released; 0 ≤ value ≤ <see cref="_maxPerNode"/>.</summary>
    private int _active;

    public StreamAdmission(EveStreamerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentStreams, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentStreamsPerConnection, 1);
        _maxPerNode = options.MaxConcurrentStreams;
        _maxPerConnection = options.MaxConcurrentStreamsPerConnection;
    }

    /// <summary>Streams admitted and not yet released, node-wide.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>
    /// Takes a slot on the node and on <paramref name="connection"/>, or says which bound is reached (and takes
    /// nothing). Dispose the slot when the call ends.
    /// </summary>
    public bool TryAdmit(ConnectionStreams connection, [NotNullWhen(true)] out StreamSlot? slot, out StreamLimit refusedBy)
    {
        ArgumentNullException.ThrowIfNull(connection);
        slot = null;
        refusedBy = default;
        if (!TryIncrement(ref connection.Active, _maxPerConnection))
        {
            refusedBy = StreamLimit.Connection;
            return false;
        }

        if (!TryIncrement(ref _active, _maxPerNode))
        {
            Interlocked.Decrement(ref connection.Active);
            refusedBy = StreamLimit.Node;
            return false;
        }

        slot = new StreamSlot(this, connection);
        return true;
    }

    /// <summary>The bound's value, as quoted in the refusal.</summary>
    public int Bound(StreamLimit limit) => limit == StreamLimit.Node ? _maxPerNode : _maxPerConnection;

    /// <summary>snake_case label of a bound for metrics: node, connection.</summary>
    public static string Label(StreamLimit limit) => limit switch
    {
        StreamLimit.Node => "node",
        StreamLimit.Connection => "connection",
        _ => throw new ArgumentOutOfRangeException(nameof(limit), limit, null),
    };

    private void Release(ConnectionStreams connection)
    {
        var node = Interlocked.Decrement(ref _active);
        var onConnection = Interlocked.Decrement(ref connection.Active);
        Debug.Assert(node >= 0 && onConnection >= 0, "more slots released than admitted");
    }

    /// <summary>Adds one to <paramref name="count"/> unless it already is <paramref name="max"/>; never overshoots, even under contention.</summary>
    private static bool TryIncrement(ref int count, int max)
    {
        var seen = Volatile.Read(ref count);
        while (seen < max)
        {
            var before = Interlocked.CompareExchange(ref count, seen + 1, seen);
            if (before == seen)
            {
                return true;
            }

            seen = before;
        }

        return false;
    }

    /// <summary>One admitted stream's slots; disposing it gives them back (once, however often it is disposed).</summary>
    public sealed class StreamSlot : IDisposable
    {
        private readonly ConnectionStreams _connection;
        private StreamAdmission? _owner;

        internal StreamSlot(StreamAdmission owner, ConnectionStreams connection)
        {
            _owner = owner;
            _connection = connection;
        }

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Release(_connection);
    }
}
