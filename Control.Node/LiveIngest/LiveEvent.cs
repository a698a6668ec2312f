namespace NerfEngine.Control.LiveIngest;

/// <summary>
/// One raw event from a live stream (the eve-streamer gRPC ingress or a <c>connect_stream</c> WebSocket), reduced to
/// what every source has: id, type ("flow", "alert", "dns", …), time and entities as key/value pairs
/// (<c>src_ip</c>, <c>dest_ip</c>, <c>src_port</c>, <c>dest_port</c>, <c>proto</c>, …). Raw events never touch the graph:
/// they are offered to an <see cref="ILiveEventSink"/> (the live-ingest queue) and committed only by the gated
/// <c>ingest_live_event</c> tool (SPEC §8).
/// </summary>
/// <param name="Source">Where it came from, for stats and audit: e.g. <c>grpc:eve-streamer</c> or <c>ws:stream-1</c>.</param>
/// <param name="EventId">The sender's id (may be empty when the sender has none).</param>
/// <param name="Type">Event type, lower case.</param>
/// <param name="Timestamp">Event time (UTC).</param>
/// <param name="Entities">Key/value pairs in the sender's order; keys may repeat.</param>
public sealed record LiveEvent(
    string Source,
    string EventId,
    string Type,
    DateTimeOffset Timestamp,
    IReadOnlyList<KeyValuePair<string, string>> Entities)
{
    /// <summary>The first value for <paramref name="key"/> (ordinal, case-insensitive), or null.</summary>
    public string? Entity(string key)
    {
        foreach (var pair in Entities)
        {
            if (string.Equals(pair.Key, key, StringComparison.OrdinalIgnoreCase)) return pair.Value;
        }

        return null;
    }
}
