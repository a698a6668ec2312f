namespace NerfEngine.Shared.Fabric.Persistence;

/// <summary>
/// Stores a tag set as one text column <c>;a;b;</c> so both SQLite and PostgreSQL can find a tag with a plain
/// substring test for <c>;tag;</c> (no join table to write on the hot append path).
/// </summary>
internal static class EventTags
{
    private const char Separator = ';';

    /// <summary>Encodes tags (validated, de-duplicated, order kept); empty string for none.</summary>
    public static string Encode(IReadOnlyList<string>? tags)
    {
        if (tags is null || tags.Count == 0)
        {
            return string.Empty;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var builder = new System.Text.StringBuilder().Append(Separator);
        foreach (var tag in tags)
        {
            Validate(tag);
            if (seen.Add(tag))
            {
                builder.Append(tag).Append(Separator);
            }
        }

        return builder.ToString();
    }

    /// <summary>Decodes the stored column back to a list.</summary>
    public static IReadOnlyList<string> Decode(string stored) =>
        stored.Length == 0 ? Array.Empty<string>() : stored.Split(Separator, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The substring a row's tag column contains iff it carries <paramref name="tag"/>.</summary>
    public static string Needle(string tag)
    {
        Validate(tag);
        return string.Concat(";", tag, ";");
    }

    private static void Validate(string tag)
    {
        if (string.IsNullOrEmpty(tag) || tag.Contains(Separator, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Tag '{tag}' is invalid: tags must be non-empty and must not contain '{Separator}'.");
        }
    }
}
