using System.Reflection;
using System.Text.Json;
using NJsonSchema.Generation;

namespace NerfEngine.Control.Registry.Schemas;

/// <summary>
/// Marks required properties so the schema matches <see cref="ToolJson"/>'s deserializer:
/// for inputs, record constructor parameters without a default value are required (an omitted
/// optional argument takes its C# default); for outputs every property is required, because the
/// serializer always writes every property (nullable ones as null).
/// </summary>
internal sealed class RequiredMembersProcessor(bool everyProperty) : ISchemaProcessor
{
    public void Process(SchemaProcessorContext context)
    {
        var type = context.ContextualType.Type;
        if (type.IsEnum || type.IsPrimitive || context.Schema.Properties.Count == 0)
        {
            return;
        }

        if (everyProperty)
        {
            foreach (var name in context.Schema.Properties.Keys)
            {
                context.Schema.RequiredProperties.Add(name);
            }

            return;
        }

        var constructor = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance)
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault();
        if (constructor is null)
        {
            return;
        }

        foreach (var parameter in constructor.GetParameters())
        {
            var wire = JsonNamingPolicy.SnakeCaseLower.ConvertName(parameter.Name ?? string.Empty);
            if (!parameter.HasDefaultValue && context.Schema.Properties.ContainsKey(wire))
            {
                context.Schema.RequiredProperties.Add(wire);
            }
        }
    }
}
