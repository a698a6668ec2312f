using System.Globalization;
using NerfEngine.Control.LiveIngest;
using NerfEngine.Shared.Messages.EveStreamer;

namespace NerfEngine.Control.Ingress.EveStreamer;

/// <summary>
/// Checks one eve-streamer <see cref="Event"/> and turns it into a <see cref="LiveEvent"/>: type trimmed and lower
/// case, epoch milliseconds → UTC time, entities as key/value pairs in the sender's order. Anything it cannot accept
/// comes back as a reason, never as an exception.
/// </summary>
public sealed class ShipperEventMapper
{
    /// <summary>Largest epoch millisecond a <see cref="DateTimeOffset"/> holds (9999-12-31T23:59:59.999Z).</summary>
    private static readonly long MaxUnixMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    private readonly EveStreamerOptions _options;
    private readonly TimeProvider _time;

    public ShipperEventMapper(EveStreamerOptions options, TimeProvider time)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>
    /// Maps <paramref name="e"/>, the <paramref name="index"/>-th event of a stream from <paramref name="source"/>.
    /// Returns null and sets <paramref name="rejection"/> when the event is not acceptable.
    /// </summary>
    public LiveEvent? Map(Event e, long index, string source, out EventRejection? rejection)
    {
        ArgumentNullException.ThrowIfNull(e);
        rejection = null;
        EventRejection Reject(EventRejectionReason reason, string detail) => new(index, e.EventId, reason, detail);

        var type = e.Type.Trim();
        if (type.Length == 0)
        {
            rejection = Reject(EventRejectionReason.EmptyType, "type is empty");
            return null;
        }

        var earliest = _options.EarliestTimestamp.ToUnixTimeMilliseconds();
        if (e.Timestamp < earliest)
        {
            rejection = Reject(EventRejectionReason.TimestampTooEarly, string.Create(CultureInfo.InvariantCulture,
                $"timestamp {e.Timestamp} is before {_options.EarliestTimestamp:yyyy-MM-ddTHH:mm:ssZ} (it must be Unix epoch milliseconds)"));
            return null;
        }

        var latest = _time.GetUtcNow() + _options.MaxFutureSkew;
        if (e.Timestamp > MaxUnixMilliseconds || DateTimeOffset.FromUnixTimeMilliseconds(e.Timestamp) > latest)
        {
            rejection = Reject(EventRejectionReason.TimestampInFuture, string.Create(CultureInfo.InvariantCulture,
                $"timestamp {e.Timestamp} is more than {_options.MaxFutureSkew.TotalSeconds:0.###} s ahead of this node's clock"));
            return null;
        }

        if (e.Entities.Count > _options.MaxEntitiesPerEvent)
        {
            rejection = Reject(EventRejectionReason.TooManyEntities, string.Create(CultureInfo.InvariantCulture,
                $"{e.Entities.Count} entities, more than the limit of {_options.MaxEntitiesPerEvent}"));
            return null;
        }

        var entities = new KeyValuePair<string, string>[e.Entities.Count];
        for (var i = 0; i < entities.Length; i++)
        {
            var entity = e.Entities[i];
            if (entity.Key.Length == 0)
            {
                rejection = Reject(EventRejectionReason.EmptyEntityKey, string.Create(CultureInfo.InvariantCulture, $"entity {i + 1} has an empty key"));
                return null;
            }

            entities[i] = new KeyValuePair<string, string>(entity.Key, entity.Value);
        }

        return new LiveEvent(source, e.EventId, type.ToLowerInvariant(), DateTimeOffset.FromUnixTimeMilliseconds(e.Timestamp), entities);
    }
}
