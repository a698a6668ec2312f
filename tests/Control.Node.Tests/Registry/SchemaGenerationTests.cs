using System.Text.Json;
using NerfEngine.Control.Registry.Schemas;

namespace NerfEngine.Tests.ControlNode.Registry;

/// <summary>What NJsonSchema generates from tool records, as clients see it.</summary>
public sealed class SchemaGenerationTests
{
    [Fact]
    public void Input_schemas_are_snake_case_closed_objects_whose_parameters_without_defaults_are_required()
    {
        var schema = ToolSchemaFactory.ForInput<EchoInput>().Published;
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["count"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        var count = schema.GetProperty("properties").GetProperty("count");
        Assert.Equal(1, count.GetProperty("minimum").GetDouble());
        Assert.Equal(10, count.GetProperty("maximum").GetDouble());
        Assert.False(count.TryGetProperty("format", out _)); // NJsonSchema's int32 is dropped on publication
        Assert.Equal(8, schema.GetProperty("properties").GetProperty("label").GetProperty("maxLength").GetInt32());
        var text = schema.GetRawText();
        Assert.Contains("\"fancy_format\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("$schema", text, StringComparison.Ordinal);
        Assert.DoesNotContain("x-enum", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_schemas_require_every_property_because_the_serializer_writes_every_property()
    {
        var schema = ToolSchemaFactory.ForOutput<EchoOutput>().Published;
        Assert.Equal(["values", "label", "mode"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Array, schema.GetProperty("properties").GetProperty("label").GetProperty("type").ValueKind); // ["null","string"]
    }

    [Fact]
    public void Non_object_tool_types_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ToolSchemaFactory.ForInput<string>());
    }
}
