using System.Text;
using System.Text.Json;
using NerfEngine.Sensor.Capture.EveJson;

namespace NerfEngine.Control.LiveIngest.Streams;

/// <summary>
/// One Suricata eve JSON object → <see cref="LiveEvent"/>: <c>event_type</c> (required, lower-cased) is the type,
/// <c>timestamp</c> (required, eve format, <see cref="EveTimestamp"/>) the time, <c>flow_id</c> (else <c>event_id</c>) the
/// id, and every scalar field an entity named by its path (<c>src_ip</c>, <c>flow.pkts_toserver</c>, <c>dns.type</c>;
/// array items repeat their key). Never throws on input: a line that is not an eve event is named by the eve.json
/// tailer's own outcome (malformed_json, not_an_object, missing_event_type, missing_timestamp, bad_timestamp).
/// </summary>
/// <param name="source">The LiveEvent source of every event (e.g. <c>ws:sensor-a</c>).</param>
/// <param name="maxEntities">Fields kept per event; further ones are cut.</param>
public sealed class EveLiveEventParser(string source, int maxEntities)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = EveMapperOptions.DefaultMaxJsonDepth };

    /// <summary>Parses one JSON object (no surrounding whitespace needed).</summary>
    public bool TryParse(ReadOnlyMemory<byte> json, out LiveEvent? liveEvent, out EveLineOutcome failure)
    {
        liveEvent = null;
        failure = EveLineOutcome.MalformedJson;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                failure = EveLineOutcome.NotAnObject;
                return false;
            }

            if (!root.TryGetProperty("event_type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() is not { Length: > 0 } typeName)
            {
                failure = EveLineOutcome.MissingEventType;
                return false;
            }

            if (!root.TryGetProperty("timestamp", out var stamp))
            {
                failure = EveLineOutcome.MissingTimestamp;
                return false;
            }

            if (stamp.ValueKind != JsonValueKind.String || !EveTimestamp.TryParseUnixNanoseconds(Encoding.UTF8.GetBytes(stamp.GetString()!), out var unixNs))
            {
                failure = EveLineOutcome.BadTimestamp;
                return false;
            }

            var entities = new List<KeyValuePair<string, string>>();
            Flatten(root, string.Empty, entities);
            var id = Scalar(root, "flow_id") ?? Scalar(root, "event_id") ?? string.Empty;
            liveEvent = new LiveEvent(source, id, typeName.ToLowerInvariant(), DateTimeOffset.UnixEpoch.AddTicks((long)(unixNs / 100)), entities);
            return true;
        }
    }

    private void Flatten(JsonElement element, string key, List<KeyValuePair<string, string>> entities)
    {
        if (entities.Count >= maxEntities)
        {
            return;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, key.Length == 0 ? property.Name : $"{key}.{property.Name}", entities);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, key, entities);
                }

                break;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                break;
            default:
                entities.Add(new(key, ScalarText(element)));
                break;
        }
    }

    private static string? Scalar(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number ? ScalarText(value) : null;

    private static string ScalarText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };
}
