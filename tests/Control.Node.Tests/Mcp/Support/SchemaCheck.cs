using System.Text.Json.Nodes;
using NJsonSchema;

namespace NerfEngine.Tests.ControlNode.Mcp.Support;

/// <summary>Validates a document against a schema as a client received it (the published JSON), independent of the registry's own validator objects.</summary>
internal static class SchemaCheck
{
    public static async Task<IReadOnlyList<string>> ValidateAsync(JsonNode schema, JsonNode document)
    {
        var parsed = await JsonSchema.FromJsonAsync(schema.ToJsonString());
        return parsed.Validate(document.ToJsonString()).Select(e => e.ToString()).ToList();
    }
}
