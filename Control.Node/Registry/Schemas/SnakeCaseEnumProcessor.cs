using System.Text.Json;
using NJsonSchema.Generation;

namespace NerfEngine.Control.Registry.Schemas;

/// <summary>
/// NJsonSchema writes enum members by their C# names; <see cref="ToolJson"/> writes them snake_case.
/// This rewrites the enumeration so the schema states exactly what goes on the wire.
/// </summary>
internal sealed class SnakeCaseEnumProcessor : ISchemaProcessor
{
    public void Process(SchemaProcessorContext context)
    {
        var type = Nullable.GetUnderlyingType(context.ContextualType.Type) ?? context.ContextualType.Type;
        if (!type.IsEnum)
        {
            return;
        }

        context.Schema.Enumeration.Clear();
        context.Schema.EnumerationNames.Clear();
        foreach (var name in Enum.GetNames(type))
        {
            context.Schema.Enumeration.Add(JsonNamingPolicy.SnakeCaseLower.ConvertName(name));
        }
    }
}
