using System.Text;
using System.Text.Json;

namespace NerfEngine.Control.Registry;

/// <summary>
/// Bounded, single-line text for audit records: a result summary lists top-level scalars and the sizes of
/// arrays and objects (never their contents), so a snapshot can never end up in the audit journal.
/// </summary>
public static class ToolSummary
{
    /// <summary>Longest string value quoted in a default summary.</summary>
    public const int MaxScalarChars = 64;

    /// <summary>Cuts <paramref name="text"/> to <paramref name="max"/> characters, saying how much was cut.</summary>
    public static string Bound(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= max)
        {
            return text;
        }

        var marker = $"…(+{text.Length - max} chars)";
        var keep = Math.Max(0, max - marker.Length);
        return string.Concat(text.AsSpan(0, keep), marker);
    }

    /// <summary>Default summary of a JSON object result: <c>edges=[37], total=37, scope="hot"</c>.</summary>
    public static string Describe(JsonElement result, int max)
    {
        if (result.ValueKind != JsonValueKind.Object)
        {
            return Bound(result.ValueKind.ToString().ToLowerInvariant(), max);
        }

        var text = new StringBuilder();
        foreach (var property in result.EnumerateObject())
        {
            if (text.Length > max)
            {
                break;
            }

            if (text.Length > 0)
            {
                text.Append(", ");
            }

            text.Append(property.Name).Append('=');
            var value = property.Value;
            switch (value.ValueKind)
            {
                case JsonValueKind.Array:
                    text.Append('[').Append(value.GetArrayLength()).Append(']');
                    break;
                case JsonValueKind.Object:
                    text.Append("{…}");
                    break;
                case JsonValueKind.String:
                    text.Append('"').Append(Bound(value.GetString() ?? string.Empty, MaxScalarChars)).Append('"');
                    break;
                default:
                    text.Append(value.GetRawText());
                    break;
            }
        }

        return Bound(text.ToString(), max);
    }
}
