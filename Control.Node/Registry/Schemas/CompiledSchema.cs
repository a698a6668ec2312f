using System.Globalization;
using System.Text.Json;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using NJsonSchema.Validation.FormatValidators;

namespace NerfEngine.Control.Registry.Schemas;

/// <summary>
/// A published tool schema compiled once into a validator over System.Text.Json elements, with NJsonSchema's
/// semantics for the keywords our generator emits (type incl. null unions, properties, required,
/// additionalProperties, enum, minimum/maximum, minLength/maxLength, pattern, items, oneOf, $ref to
/// definitions, format via NJsonSchema's own format validators). It exists because validating through
/// Newtonsoft token trees dominated the cost of a tools/call; NJsonSchema stays the generator and the
/// author of error messages, and a property test checks that both always agree on valid/invalid.
/// A schema using any other keyword does not compile (<see cref="TryCompile"/> returns null) and is then
/// validated by NJsonSchema alone.
/// </summary>
internal sealed partial class CompiledSchema
{
    /// <summary>Keywords that only annotate (no effect on validity).</summary>
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal) { "title", "description", "default", "examples", "example", "$schema", "$comment" };

    /// <summary>
    /// Format checks by published name, using NJsonSchema's own validators. "uuid" is published for what NJsonSchema
    /// generates (and validates) as "guid", so it is checked by NJsonSchema's Guid validator: same verdict as the reference.
    /// </summary>
    private static readonly Dictionary<string, IFormatValidator> Formats = new(StringComparer.Ordinal)
    {
        ["date-time"] = new DateTimeFormatValidator(),
        ["date"] = new DateFormatValidator(),
        ["time"] = new TimeFormatValidator(),
        ["uuid"] = new GuidFormatValidator(),
        ["uri"] = new UriFormatValidator(),
        ["email"] = new EmailFormatValidator(),
        ["hostname"] = new HostnameFormatValidator(),
        ["ipv4"] = new IpV4FormatValidator(),
        ["ipv6"] = new IpV6FormatValidator(),
    };

    private readonly Node _root;

    private CompiledSchema(Node root) => _root = root;

    /// <summary>Compiles a published schema; null when it uses a keyword this validator does not implement.</summary>
    public static CompiledSchema? TryCompile(JsonElement schema)
    {
        var definitions = new Dictionary<string, Node>(StringComparer.Ordinal);
        var compiler = new Compiler(definitions);
        var root = compiler.Compile(schema);
        return root is null || !compiler.ResolveReferences() || !compiler.Finish() ? null : new CompiledSchema(root);
    }

    /// <summary>
    /// Validates; returns the problems found (empty when valid), at most <paramref name="maxProblems"/>. The document
    /// must come from a parser that refuses repeated property names (<see cref="ParseOptions"/>) or from our serializer.
    /// </summary>
    public IReadOnlyList<string> Validate(JsonElement document, int maxProblems = 32)
    {
        var context = new Context(maxProblems);
        _root.Check(document, context);
        return context.Problems ?? (IReadOnlyList<string>)[];
    }

    /// <summary>
    /// Parser options for documents this validator checks: a repeated property name is a parse error, because the
    /// validator and the deserializer must see the same value (last-wins parsing would let one hide the other).
    /// </summary>
    public static JsonDocumentOptions ParseOptions { get; } = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    [Flags]
    private enum Kinds
    {
        Any = 0,
        Null = 1,
        Boolean = 2,
        Integer = 4,
        Number = 8,
        String = 16,
        Array = 32,
        Object = 64,
    }

    /// <summary>Per-validation state: the path (built into text only when a problem is reported) and the problems.</summary>
    private sealed class Context(int max)
    {
        private readonly List<object> _path = [];

        public List<string>? Problems { get; private set; }

        public bool Full => Problems is not null && Problems.Count >= max;

        public void Push(string name) => _path.Add(name);

        public void Push(int index) => _path.Add(index);

        public void Pop() => _path.RemoveAt(_path.Count - 1);

        public void Report(string problem)
        {
            if (Full)
            {
                return;
            }

            var where = new System.Text.StringBuilder();
            foreach (var segment in _path)
            {
                if (segment is int index)
                {
                    where.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
                }
                else
                {
                    if (where.Length > 0) where.Append('.');
                    where.Append((string)segment);
                }
            }

            (Problems ??= []).Add($"{(where.Length == 0 ? "(arguments)" : where.ToString())}: {problem}");
        }
    }

    /// <summary>One compiled (sub)schema. Fields are set by the compiler and never changed afterwards.</summary>
    private sealed class Node
    {
        public Kinds Types;
        public string[]? Enum;
        public decimal? Minimum;
        public decimal? Maximum;
        public int? MinLength;
        public int? MaxLength;
        public Regex? Pattern;
        public IFormatValidator? Format;
        public string? FormatName;
        public Property[]? Properties;
        public string[] RequiredNames = [];
        public ulong RequiredMask;
        public bool AdditionalAllowed = true;
        public Node? Additional;
        public Node? Items;
        public Node[]? OneOf;
        public string? Reference;
        public Node? Target;
        public bool IsNullable;

        /// <summary>The schema a $ref points to, or itself.</summary>
        public Node Actual => Target ?? this;

        /// <summary>Precomputes NJsonSchema's IsNullable: a null type, or (untyped/null-typed) oneOf with a nullable branch.</summary>
        public bool ComputeNullable() =>
            (Types & Kinds.Null) != 0 || ((Types == Kinds.Any || (Types & Kinds.Null) != 0) && OneOf is not null && OneOf.Any(o => o.ComputeNullable()));

        public void Check(JsonElement e, Context context)
        {
            if (context.Full)
            {
                return;
            }

            if (Reference is not null)
            {
                Actual.Check(e, context);
                return;
            }

            if (OneOf is not null && OneOf.Count(o => o.Accepts(e)) != 1)
            {
                context.Report($"must match exactly one of {OneOf.Length} alternatives");
            }

            var kind = KindOf(e);
            if (!(kind == Kinds.Null && IsNullable))
            {
                if (Types != Kinds.Any && (Types & kind) == 0)
                {
                    context.Report($"{Describe(Types)} expected, got {Describe(kind)}");
                }

                if (Enum is not null && (kind != Kinds.String || !InEnum(e)))
                {
                    context.Report($"not one of {string.Join(", ", Enum)}");
                }
            }

            switch (e.ValueKind)
            {
                case JsonValueKind.String when MinLength is not null || MaxLength is not null || Pattern is not null || Format is not null:
                    CheckString(e.GetString()!, context);
                    break;
                case JsonValueKind.Number when Minimum is not null || Maximum is not null:
                    CheckNumber(e, context);
                    break;
                case JsonValueKind.Array when Items is not null:
                    var i = 0;
                    foreach (var item in e.EnumerateArray())
                    {
                        context.Push(i++);
                        Items.Check(item, context);
                        context.Pop();
                    }

                    break;
            }

            if (e.ValueKind == JsonValueKind.Object)
            {
                CheckObject(e, context);
            }
            else if ((Types & Kinds.Null) == 0)
            {
                // As NJsonSchema: a non-object still misses its required properties, unless the schema admits null.
                foreach (var name in RequiredNames)
                {
                    context.Push(name);
                    context.Report("required");
                    context.Pop();
                }
            }
        }

        /// <summary>Valid or not, without keeping messages (oneOf branches).</summary>
        private bool Accepts(JsonElement e)
        {
            var scratch = new Context(1);
            Check(e, scratch);
            return scratch.Problems is null;
        }

        private bool InEnum(JsonElement e)
        {
            foreach (var value in Enum!)
            {
                if (e.ValueEquals(value))
                {
                    return true;
                }
            }

            return false;
        }

        private void CheckString(string value, Context context)
        {
            if (Pattern is not null && !Pattern.IsMatch(value))
            {
                context.Report($"does not match pattern {Pattern}");
            }

            if (MinLength is { } min && value.Length < min)
            {
                context.Report($"at least {min} characters");
            }

            if (MaxLength is { } max && value.Length > max)
            {
                context.Report($"at most {max} characters");
            }

            if (Format is not null && !Format.IsValid(value, Newtonsoft.Json.Linq.JTokenType.String))
            {
                context.Report($"not a valid {FormatName}");
            }
        }

        private void CheckNumber(JsonElement e, Context context)
        {
            // As NJsonSchema over Newtonsoft: integer tokens compare exactly; float tokens are doubles converted to
            // decimal (15 significant digits); beyond decimal's range the comparison falls back to doubles.
            decimal? d = null;
            if (IsIntegerText(e))
            {
                if (e.TryGetDecimal(out var exact)) d = exact;
            }
            else
            {
                var asDouble = double.Parse(JsonMarshal.GetRawUtf8Value(e), NumberStyles.Float, CultureInfo.InvariantCulture);
                try
                {
                    d = Convert.ToDecimal(asDouble, CultureInfo.InvariantCulture);
                }
                catch (OverflowException)
                {
                    d = null;
                }
            }

            if (d is { } value)
            {
                if (Minimum is { } min && value < min) context.Report($"below the minimum {min}");
                if (Maximum is { } max && value > max) context.Report($"above the maximum {max}");
                return;
            }

            var v = double.Parse(JsonMarshal.GetRawUtf8Value(e), NumberStyles.Float, CultureInfo.InvariantCulture); // ±∞ beyond double's range
            if (Minimum is { } lo && v < (double)lo) context.Report($"below the minimum {lo}");
            if (Maximum is { } hi && v > (double)hi) context.Report($"above the maximum {hi}");
        }

        private void CheckObject(JsonElement e, Context context)
        {
            ulong seen = 0;
            foreach (var property in e.EnumerateObject())
            {
                var index = Find(property);
                if (index >= 0)
                {
                    var schema = Properties![index];
                    seen |= schema.RequiredBit;
                    if (property.Value.ValueKind == JsonValueKind.Null && schema.Node.IsNullable)
                    {
                        continue;
                    }

                    context.Push(schema.Name);
                    schema.Node.Actual.Check(property.Value, context);
                    context.Pop();
                }
                else if (Additional is not null)
                {
                    context.Push(property.Name);
                    Additional.Check(property.Value, context);
                    context.Pop();
                }
                else if (!AdditionalAllowed)
                {
                    context.Push(property.Name);
                    context.Report("unknown property" + ToolSchema.Accepted(Properties?.Select(p => p.Name) ?? []));
                    context.Pop();
                }
            }

            var missing = RequiredMask & ~seen;
            if (missing != 0)
            {
                foreach (var p in Properties!)
                {
                    if ((missing & p.RequiredBit) != 0)
                    {
                        context.Push(p.Name);
                        context.Report("required");
                        context.Pop();
                    }
                }
            }
        }

        /// <summary>The schema property a JSON property names, by its raw UTF-8 name (no string allocated); -1 when unknown.</summary>
        private int Find(JsonProperty property)
        {
            if (Properties is null)
            {
                return -1;
            }

            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            var escaped = raw.IndexOf((byte)'\\') >= 0;
            for (var i = 0; i < Properties.Length; i++)
            {
                if (escaped ? property.NameEquals(Properties[i].Name) : raw.SequenceEqual(Properties[i].Utf8Name))
                {
                    return i;
                }
            }

            return -1;
        }

        private static bool IsIntegerText(JsonElement e) => JsonMarshal.GetRawUtf8Value(e).IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0;

        private static Kinds KindOf(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Null => Kinds.Null,
            JsonValueKind.True or JsonValueKind.False => Kinds.Boolean,
            // Newtonsoft reads a number with a fraction or exponent as a float token, whatever its value.
            JsonValueKind.Number => IsIntegerText(e) ? Kinds.Number | Kinds.Integer : Kinds.Number,
            JsonValueKind.String => Kinds.String,
            JsonValueKind.Array => Kinds.Array,
            JsonValueKind.Object => Kinds.Object,
            _ => Kinds.Any,
        };

        private static string Describe(Kinds kinds) => kinds == (Kinds.Number | Kinds.Integer)
            ? "integer"
            : string.Join(" or ", System.Enum.GetValues<Kinds>().Where(k => k != Kinds.Any && (kinds & k) != 0).Select(k => k.ToString().ToLowerInvariant()));
    }

    /// <summary>A named property of an object schema, with its UTF-8 name for allocation-free matching.</summary>
    private sealed record Property(string Name, byte[] Utf8Name, Node Node, ulong RequiredBit);
}
