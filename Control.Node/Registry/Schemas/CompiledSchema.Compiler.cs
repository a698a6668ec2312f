using System.Text.Json;
using System.Text.RegularExpressions;

namespace NerfEngine.Control.Registry.Schemas;

/// <summary>The compiler half of <see cref="CompiledSchema"/>: schema JSON to validator nodes.</summary>
internal sealed partial class CompiledSchema
{
    /// <summary>Turns schema JSON into nodes; refuses anything it does not implement.</summary>
    private sealed class Compiler(Dictionary<string, Node> definitions)
    {
        private readonly List<Node> _references = [];
        private readonly List<Node> _all = [];

        /// <summary>
        /// Binds required names to property bits and precomputes nullability. A required name that is not a declared
        /// property, or more than 64 required properties, is not compiled (NJsonSchema validates such schemas).
        /// </summary>
        public bool Finish()
        {
            foreach (var node in _all)
            {
                node.IsNullable = node.ComputeNullable();
                if (node.RequiredNames.Length == 0)
                {
                    continue;
                }

                if (node.Properties is null || node.RequiredNames.Length > 64)
                {
                    return false;
                }

                for (var i = 0; i < node.RequiredNames.Length; i++)
                {
                    var index = Array.FindIndex(node.Properties, p => p.Name == node.RequiredNames[i]);
                    if (index < 0)
                    {
                        return false;
                    }

                    var bit = 1UL << i;
                    node.Properties[index] = node.Properties[index] with { RequiredBit = bit };
                    node.RequiredMask |= bit;
                }
            }

            return true;
        }

        public Node? Compile(JsonElement schema)
        {
            if (schema.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var node = new Node();
            _all.Add(node);
            foreach (var keyword in schema.EnumerateObject())
            {
                var v = keyword.Value;
                var ok = keyword.Name switch
                {
                    "type" => Types(v, node),
                    "enum" => EnumValues(v, node),
                    "minimum" => Bound(v, out node.Minimum),
                    "maximum" => Bound(v, out node.Maximum),
                    "minLength" => Length(v, out node.MinLength),
                    "maxLength" => Length(v, out node.MaxLength),
                    "pattern" => PatternOf(v, node),
                    "format" => FormatOf(v, node),
                    "properties" => PropertiesOf(v, node),
                    "required" => RequiredOf(v, node),
                    "additionalProperties" => AdditionalOf(v, node),
                    "items" => (node.Items = Compile(v)) is not null,
                    "oneOf" => OneOfOf(v, node),
                    "$ref" => ReferenceOf(v, node),
                    "definitions" => DefinitionsOf(v),
                    _ => Annotations.Contains(keyword.Name),
                };
                if (!ok)
                {
                    return null;
                }
            }

            return node;
        }

        public bool ResolveReferences()
        {
            foreach (var node in _references)
            {
                if (!definitions.TryGetValue(node.Reference!, out var target))
                {
                    return false;
                }

                node.Target = target;
            }

            // A reference that leads only to references would loop; our generator never emits one.
            return _references.All(n => n.Target!.Reference is null);
        }

        private static bool Types(JsonElement v, Node node)
        {
            var names = v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.GetString()).ToList() : [v.GetString()];
            foreach (var name in names)
            {
                Kinds kind = name switch
                {
                    "null" => Kinds.Null,
                    "boolean" => Kinds.Boolean,
                    "integer" => Kinds.Integer,
                    "number" => Kinds.Number,
                    "string" => Kinds.String,
                    "array" => Kinds.Array,
                    "object" => Kinds.Object,
                    _ => (Kinds)(-1),
                };
                if ((int)kind < 0)
                {
                    return false;
                }

                node.Types |= kind;
            }

            return true;
        }

        private static bool EnumValues(JsonElement v, Node node)
        {
            if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
            {
                return false; // only string enums are compiled (ours are); anything else goes to NJsonSchema
            }

            node.Enum = v.EnumerateArray().Select(x => x.GetString()!).ToArray();
            return true;
        }

        private static bool Bound(JsonElement v, out decimal? bound)
        {
            bound = null;
            if (v.ValueKind != JsonValueKind.Number)
            {
                return false;
            }

            if (v.TryGetDecimal(out var d))
            {
                bound = d;
                return true;
            }

            // Beyond decimal (e.g. double.MaxValue): NJsonSchema keeps bounds as decimal, so such a bound cannot bind; no compile.
            return false;
        }

        private static bool Length(JsonElement v, out int? length)
        {
            length = v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;
            return length is not null;
        }

        private static bool PatternOf(JsonElement v, Node node)
        {
            node.Pattern = new Regex(v.GetString()!, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            return true;
        }

        private static bool FormatOf(JsonElement v, Node node)
        {
            if (v.ValueKind != JsonValueKind.String || !Formats.TryGetValue(v.GetString()!, out var format))
            {
                return false;
            }

            node.Format = format;
            node.FormatName = v.GetString();
            return true;
        }

        private bool PropertiesOf(JsonElement v, Node node)
        {
            var properties = new List<Property>();
            foreach (var p in v.EnumerateObject())
            {
                if (Compile(p.Value) is not { } child)
                {
                    return false;
                }

                properties.Add(new Property(p.Name, System.Text.Encoding.UTF8.GetBytes(p.Name), child, 0));
            }

            node.Properties = [.. properties];
            return true;
        }

        private static bool RequiredOf(JsonElement v, Node node)
        {
            node.RequiredNames = v.EnumerateArray().Select(x => x.GetString()!).ToArray();
            return true;
        }

        private bool AdditionalOf(JsonElement v, Node node)
        {
            switch (v.ValueKind)
            {
                case JsonValueKind.False:
                    node.AdditionalAllowed = false;
                    return true;
                case JsonValueKind.True:
                    return true;
                default:
                    node.Additional = Compile(v);
                    return node.Additional is not null;
            }
        }

        private bool OneOfOf(JsonElement v, Node node)
        {
            var branches = new List<Node>();
            foreach (var branch in v.EnumerateArray())
            {
                if (Compile(branch) is not { } compiled)
                {
                    return false;
                }

                branches.Add(compiled);
            }

            node.OneOf = [.. branches];
            return true;
        }

        private bool ReferenceOf(JsonElement v, Node node)
        {
            const string prefix = "#/definitions/";
            var target = v.GetString();
            if (target is null || !target.StartsWith(prefix, StringComparison.Ordinal))
            {
                return false;
            }

            node.Reference = target[prefix.Length..];
            _references.Add(node);
            return true;
        }

        private bool DefinitionsOf(JsonElement v)
        {
            foreach (var d in v.EnumerateObject())
            {
                if (Compile(d.Value) is not { } node)
                {
                    return false;
                }

                definitions[d.Name] = node;
            }

            return true;
        }
    }
}
