using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Generation;
using NJsonSchema.Generation.TypeMappers;
using NSchema = NJsonSchema.JsonSchema;

namespace NerfEngine.Control.Registry.Schemas;

/// <summary>
/// Generates tool schemas from C# records with NJsonSchema, using <see cref="ToolJson.Options"/> so
/// property names are the snake_case the serializer writes. Inputs: parameters without defaults are
/// required, unknown properties are rejected. Outputs: every property is required.
/// </summary>
/// <remarks>
/// Constraints come from DataAnnotations on the record parameters (<c>[property: Range(1, 1000)]</c>),
/// descriptions from <c>[property: Description("…")]</c>. Properties typed <see cref="JsonElement"/>
/// accept any JSON value.
/// </remarks>
public static class ToolSchemaFactory
{
    /// <summary>JSON-schema formats clients are expected to know; NJsonSchema's numeric formats (int32, double) are dropped on publication.</summary>
    private static readonly HashSet<string> PublishedFormats = new(StringComparer.Ordinal)
    {
        "date-time", "date", "time", "uri", "uuid", "email", "hostname", "ipv4", "ipv6",
    };

    /// <summary>NJsonSchema's names for formats JSON Schema spells differently (a Guid is a "uuid" to every client).</summary>
    private static readonly Dictionary<string, string> RenamedFormats = new(StringComparer.Ordinal) { ["guid"] = "uuid" };

    /// <summary>Schema of tool arguments of type <typeparamref name="T"/>.</summary>
    public static ToolSchema ForInput<T>() => Create(typeof(T), input: true);

    /// <summary>Schema of tool results of type <typeparamref name="T"/>.</summary>
    public static ToolSchema ForOutput<T>() => Create(typeof(T), input: false);

    private static ToolSchema Create(Type type, bool input)
    {
        var settings = new JsonSchemaGeneratorSettings
        {
            SerializerOptions = ToolJson.Options,
            DefaultReferenceTypeNullHandling = ReferenceTypeNullHandling.NotNull,
            GenerateAbstractSchemas = false,
            GenerateExamples = false,
            FlattenInheritanceHierarchy = true,
            UseXmlDocumentation = false,
        };
        settings.TypeMappers.Add(new PrimitiveTypeMapper(typeof(JsonElement), _ => { }));
        settings.SchemaProcessors.Add(new SnakeCaseEnumProcessor());
        settings.SchemaProcessors.Add(new RequiredMembersProcessor(everyProperty: !input));

        var schema = NSchema.FromType(type, settings);
        if (schema.Type != JsonObjectType.Object)
        {
            throw new ArgumentException($"Tool {(input ? "input" : "output")} type {type.Name} must be an object (a record), not {schema.Type}.", nameof(type));
        }

        return new ToolSchema(schema, Publish(schema));
    }

    /// <summary>Strips what only NJsonSchema understands, so any JSON-schema validator (ajv in the Node SDK) accepts the schema.</summary>
    private static JsonElement Publish(NSchema schema)
    {
        var node = JsonNode.Parse(schema.ToJson()) ?? throw new InvalidOperationException("NJsonSchema produced an empty schema.");
        Clean(node);
        return JsonSerializer.SerializeToElement(node);
    }

    /// <summary>Keywords whose value maps names to sub-schemas (the names are data, never keywords).</summary>
    private static readonly HashSet<string> SchemaMaps = new(StringComparer.Ordinal) { "properties", "definitions", "$defs", "patternProperties" };

    /// <summary>Keywords whose value is a sub-schema or an array of sub-schemas.</summary>
    private static readonly HashSet<string> SubSchemas = new(StringComparer.Ordinal) { "items", "additionalProperties", "additionalItems", "not", "oneOf", "anyOf", "allOf" };

    private static void Clean(JsonNode? node)
    {
        if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                Clean(item);
            }

            return;
        }

        if (node is not JsonObject schema)
        {
            return;
        }

        foreach (var key in schema.Select(p => p.Key).ToList())
        {
            var value = schema[key];
            if (SchemaMaps.Contains(key) && value is JsonObject map)
            {
                foreach (var (_, child) in map)
                {
                    Clean(child);
                }
            }
            else if (SubSchemas.Contains(key))
            {
                Clean(value);
            }
            else if (key == "format" && value is JsonValue renamed && RenamedFormats.TryGetValue(renamed.GetValue<string>(), out var standard))
            {
                schema[key] = standard;
            }
            else if (key == "$schema"
                     || key.StartsWith("x-", StringComparison.Ordinal)
                     || (key == "description" && value is JsonValue d && d.GetValue<string>().Length == 0)
                     || (key == "format" && value is JsonValue f && !PublishedFormats.Contains(f.GetValue<string>())))
            {
                schema.Remove(key);
            }
        }
    }
}
