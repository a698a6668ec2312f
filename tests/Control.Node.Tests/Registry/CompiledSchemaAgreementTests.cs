using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NerfEngine.Control.Registry.Schemas;
using NerfEngine.Tests.ControlNode.Mcp.Support;

namespace NerfEngine.Tests.ControlNode.Registry;

/// <summary>
/// The compiled validator on the call path must agree with NJsonSchema, the reference, on every document: random
/// instances of every tool's input and output schema, most of them mutated into something invalid (wrong types,
/// out of range, unknown or missing properties, bad enum values, malformed dates, nulls), same verdict from both.
/// </summary>
public sealed class CompiledSchemaAgreementTests
{
    private const int DocumentsPerSchema = 400;

    [Fact]
    public async Task Every_tool_schema_compiles_for_the_fast_path()
    {
        await using var host = await McpTestHost.StartAsync();
        foreach (var d in host.Registry.Descriptors)
        {
            var definition = host.Registry.Definition(d.Name);
            Assert.True(definition.InputSchema.IsCompiled, $"{d.Name} input schema falls back to NJsonSchema");
            Assert.True(definition.OutputSchema.IsCompiled, $"{d.Name} output schema falls back to NJsonSchema");
        }
    }

    [Fact]
    public async Task Compiled_validator_and_NJsonSchema_agree_on_random_valid_and_mutated_documents()
    {
        await using var host = await McpTestHost.StartAsync();
        var random = new Random(20261121);
        var checkedDocuments = 0;
        var invalidSeen = 0;
        foreach (var d in host.Registry.Descriptors)
        {
            var definition = host.Registry.Definition(d.Name);
            foreach (var (schema, which) in new[] { (definition.InputSchema, "input"), (definition.OutputSchema, "output") })
            {
                var root = JsonNode.Parse(schema.Published.GetRawText())!.AsObject();
                var generator = new InstanceGenerator(root, random);
                for (var i = 0; i < DocumentsPerSchema; i++)
                {
                    var document = generator.Generate(root, mutate: i % 4 != 0);
                    var text = document?.ToJsonString() ?? "null";
                    using var parsed = JsonDocument.Parse(text);
                    var fast = schema.ValidateCompiledOnly(parsed.RootElement)!;
                    var reference = schema.ValidateWithNJsonSchema(text);
                    Assert.True(fast.Count == 0 == (reference.Count == 0),
                        $"{d.Name} {which}: compiled says {(fast.Count == 0 ? "valid" : string.Join("; ", fast))}, " +
                        $"NJsonSchema says {(reference.Count == 0 ? "valid" : string.Join("; ", reference))} for {text}");
                    checkedDocuments++;
                    invalidSeen += reference.Count > 0 ? 1 : 0;
                }
            }
        }

        Assert.True(invalidSeen > checkedDocuments / 3, $"only {invalidSeen} of {checkedDocuments} documents were invalid: the mutations are too gentle");
        Assert.True(invalidSeen < checkedDocuments, "no valid document was generated");
    }

    /// <summary>Random instances of a JSON schema (the subset our generator emits), optionally broken in one place.</summary>
    private sealed class InstanceGenerator(JsonObject root, Random random)
    {
        private readonly JsonObject? _definitions = root["definitions"] as JsonObject;

        public JsonNode? Generate(JsonObject schema, bool mutate, int depth = 0)
        {
            if (schema["$ref"] is JsonValue reference)
            {
                var name = reference.GetValue<string>()["#/definitions/".Length..];
                return Generate(_definitions![name]!.AsObject(), mutate, depth);
            }

            if (mutate && random.NextDouble() < 0.25)
            {
                return Break(schema);
            }

            if (schema["oneOf"] is JsonArray oneOf)
            {
                return Generate(oneOf[random.Next(oneOf.Count)]!.AsObject(), mutate, depth);
            }

            var types = Types(schema);
            if (types.Count == 0)
            {
                return random.Next(3) switch { 0 => 1, 1 => "any", _ => new JsonObject { ["x"] = 1 } };
            }

            var type = types[random.Next(types.Count)];
            return type switch
            {
                "null" => null,
                "boolean" => random.Next(2) == 0,
                "integer" => Integer(schema),
                "number" => Number(schema),
                "string" => String(schema),
                "array" => Array(schema, mutate, depth),
                _ => Object(schema, mutate, depth),
            };
        }

        private JsonNode? Break(JsonObject schema) => random.Next(9) switch
        {
            0 => "not-" + random.Next(100),
            1 => random.Next(2) == 0 ? -1e15 : 1e15,
            2 => 2.5,
            3 => null,
            4 => new JsonObject { ["surprise"] = true },
            5 => new JsonArray(1, "two"),
            6 => "2023-13-45T99:00:00Z",
            7 => new string('x', 2000),
            _ => true,
        };

        private JsonNode Integer(JsonObject schema)
        {
            var (min, max) = Bounds(schema, -1000, 1000);
            return (long)Math.Round(min + (random.NextDouble() * (max - min)));
        }

        private JsonNode Number(JsonObject schema)
        {
            var (min, max) = Bounds(schema, -1000, 1000);
            return Math.Round(min + (random.NextDouble() * (max - min)), 3);
        }

        private (double Min, double Max) Bounds(JsonObject schema, double lo, double hi)
        {
            var min = schema["minimum"]?.GetValue<double>() ?? lo;
            var max = schema["maximum"]?.GetValue<double>() ?? hi;
            return (Math.Max(min, -1e6), Math.Min(max, Math.Max(min, -1e6) + 1e6));
        }

        private JsonNode String(JsonObject schema)
        {
            if (schema["enum"] is JsonArray values) return values[random.Next(values.Count)]!.GetValue<string>();
            if (schema["format"]?.GetValue<string>() == "date-time")
            {
                return new DateTimeOffset(2023, 11, 14, 22, 13, 20, TimeSpan.Zero).AddMilliseconds(random.Next(1_000_000)).ToString("O", CultureInfo.InvariantCulture);
            }

            var min = schema["minLength"]?.GetValue<int>() ?? 0;
            var max = Math.Min(schema["maxLength"]?.GetValue<int>() ?? 24, 24);
            var length = random.Next(Math.Max(min, 1), Math.Max(min, max) + 1);
            return new string(Enumerable.Range(0, length).Select(_ => (char)('a' + random.Next(26))).ToArray());
        }

        private JsonArray Array(JsonObject schema, bool mutate, int depth)
        {
            var array = new JsonArray();
            if (depth > 4 || schema["items"] is not JsonObject items) return array;
            for (var i = random.Next(3); i > 0; i--) array.Add(Generate(items, mutate && random.Next(3) == 0, depth + 1));
            return array;
        }

        private JsonObject Object(JsonObject schema, bool mutate, int depth)
        {
            var result = new JsonObject();
            var required = (schema["required"] as JsonArray)?.Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
            if (schema["properties"] is JsonObject properties && depth <= 4)
            {
                foreach (var (name, child) in properties)
                {
                    if (mutate && random.Next(8) == 0) continue; // maybe drop even a required one
                    if (!required.Contains(name) && random.Next(3) == 0) continue;
                    result[name] = Generate(child!.AsObject(), mutate && random.Next(3) == 0, depth + 1);
                }
            }

            if (mutate && random.Next(6) == 0) result["unexpected_" + random.Next(10)] = 1;
            return result;
        }

        private static List<string> Types(JsonObject schema) => schema["type"] switch
        {
            JsonArray a => a.Select(t => t!.GetValue<string>()).ToList(),
            JsonValue v => [v.GetValue<string>()],
            _ => [],
        };
    }
}
