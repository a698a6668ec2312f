using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NerfEngine.Control.Registry.Schemas;

/// <summary>
/// The one JSON shape of tool arguments and results: snake_case names, snake_case enum strings,
/// strict numbers, unknown members rejected, nullable annotations and required constructor
/// parameters respected — the same rules the generated schemas state, so a document that passes
/// the schema also deserializes.
/// </summary>
public static class ToolJson
{
    /// <summary>Serializer options for tool inputs and outputs (read-only after creation).</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            NumberHandling = JsonNumberHandling.Strict,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            // Tool text goes to models and logs, not HTML: keep '<', '\'' and non-ASCII readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
