using System.Text.Json;
using System.Text.Json.Serialization;

namespace NerfEngine.Control.Autonomy;

/// <summary>
/// The one JSON shape of everything autonomy shows to people and tools (status document, decision-log export):
/// snake_case names, as SPEC §7 writes them. The journal uses the EventSerializer's own options instead.
/// </summary>
public static class AutonomyJson
{
    /// <summary>snake_case, enums as snake_case strings, nulls omitted, compact.</summary>
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    /// <summary>Same as <see cref="Options"/> but indented, for people.</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = indented,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
