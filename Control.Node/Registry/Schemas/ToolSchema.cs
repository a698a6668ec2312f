using System.Text.Json;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema.Validation;
using NSchema = NJsonSchema.JsonSchema;

namespace NerfEngine.Control.Registry.Schemas;

/// <summary>
/// One generated schema in its forms: the NJsonSchema object (the reference validator and author of error
/// messages), the published JSON clients see in tools/list, and that JSON compiled for the call path
/// (<see cref="CompiledSchema"/>). All come from one generation, so what is enforced is what is advertised.
/// </summary>
public sealed class ToolSchema
{
    private readonly NSchema _schema;
    private readonly CompiledSchema? _compiled;

    internal ToolSchema(NSchema schema, JsonElement published)
    {
        _schema = schema;
        Published = published;
        _compiled = CompiledSchema.TryCompile(published);
    }

    /// <summary>The schema as published to clients (draft-agnostic: no $schema, no NJsonSchema extensions).</summary>
    public JsonElement Published { get; }

    /// <summary>True when the fast validator handles this schema (otherwise every document goes through NJsonSchema).</summary>
    public bool IsCompiled => _compiled is not null;

    /// <summary>
    /// Validates a document; returns every problem as a readable line (<c>limit: number too big (maximum 1000)</c>),
    /// empty when valid. The compiled validator decides; NJsonSchema words the problems.
    /// </summary>
    public IReadOnlyList<string> Validate(JsonElement document)
    {
        if (_compiled is null)
        {
            return ValidateWithNJsonSchema(document.GetRawText());
        }

        var problems = _compiled.Validate(document);
        if (problems.Count == 0)
        {
            return [];
        }

        var worded = ValidateWithNJsonSchema(document.GetRawText());
        return worded.Count > 0 ? worded : problems;
    }

    /// <summary>Validates JSON text (parses it first; text that is not JSON is one problem).</summary>
    public IReadOnlyList<string> Validate(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, CompiledSchema.ParseOptions);
            return Validate(document.RootElement);
        }
        catch (System.Text.Json.JsonException ex)
        {
            return [$"(arguments): not valid JSON ({ex.Message})"];
        }
    }

    /// <summary>The compiled validator's verdict alone (null when the schema is not compiled); for agreement tests.</summary>
    internal IReadOnlyList<string>? ValidateCompiledOnly(JsonElement document) => _compiled?.Validate(document);

    /// <summary>NJsonSchema's verdict alone (the reference the compiled validator is tested against).</summary>
    public IReadOnlyList<string> ValidateWithNJsonSchema(string json)
    {
        // Dates stay strings: the schema, not Newtonsoft's guessing, decides what a string means.
        using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Double };
        var token = JToken.ReadFrom(reader);
        var errors = _schema.Validate(token);
        if (errors.Count == 0)
        {
            return [];
        }

        var lines = new List<string>(errors.Count);
        foreach (var error in errors)
        {
            Describe(error, lines);
        }

        return lines;
    }

    private static void Describe(ValidationError error, List<string> lines)
    {
        switch (error)
        {
            case ChildSchemaValidationError child when child.Errors.Count > 0:
                foreach (var nested in child.Errors.SelectMany(e => e.Value))
                {
                    Describe(nested, lines);
                }

                return;
            case MultiTypeValidationError multi when multi.Errors.Count > 0:
                lines.Add($"{Where(error)}: {Words(error.Kind)} (expected {string.Join(" or ", multi.Errors.Keys.Select(k => k.ToString().ToLowerInvariant()))})");
                return;
            default:
                lines.Add($"{Where(error)}: {Words(error.Kind)}{Constraint(error)}");
                return;
        }
    }

    private static string Where(ValidationError error)
    {
        var path = error.Path ?? "#";
        path = path.StartsWith("#/", StringComparison.Ordinal) ? path[2..] : path.TrimStart('#');
        return path.Length == 0 ? "(arguments)" : path.Replace('/', '.');
    }

    private static string Constraint(ValidationError error)
    {
        var s = error.Schema;
        return error.Kind switch
        {
            ValidationErrorKind.NumberTooBig or ValidationErrorKind.IntegerTooBig when s?.Maximum is { } max => $" (maximum {max})",
            ValidationErrorKind.NumberTooSmall when s?.Minimum is { } min => $" (minimum {min})",
            ValidationErrorKind.StringTooLong when s?.MaxLength is { } max => $" (at most {max} characters)",
            ValidationErrorKind.StringTooShort when s?.MinLength is { } min => $" (at least {min} characters)",
            ValidationErrorKind.TooManyItems when s?.MaxItems is { } max and > 0 => $" (at most {max} items)",
            ValidationErrorKind.TooFewItems when s?.MinItems is { } min and > 0 => $" (at least {min} items)",
            ValidationErrorKind.PatternMismatch when s?.Pattern is { } p => $" (pattern {p})",
            ValidationErrorKind.NotInEnumeration when s?.Enumeration is { Count: > 0 } values => $" (one of {string.Join(", ", values)})",
            ValidationErrorKind.NoAdditionalPropertiesAllowed when s is not null => Accepted(s.ActualSchema.ActualProperties.Keys),
            _ => string.Empty,
        };
    }

    /// <summary>What an unknown property's error adds: the properties the object does accept (so a typo is one look away).</summary>
    internal static string Accepted(IEnumerable<string> names)
    {
        var list = string.Join(", ", names);
        return list.Length == 0 ? " (this object takes no properties)" : $" (accepted properties: {list})";
    }

    /// <summary>NumberTooBig → "number too big".</summary>
    private static string Words(ValidationErrorKind kind)
    {
        var name = kind.ToString();
        var chars = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                chars.Append(' ');
            }

            chars.Append(char.ToLowerInvariant(name[i]));
        }

        return chars.ToString();
    }
}
