using System.Text.Json;

namespace NerfEngine.Control.Copilot.FlowScoring;

/// <summary>
/// Reads and validates the model's answer <c>{"score": 0..1, "label": "…", "rationale": "…"}</c>. Strict on what
/// decides an outcome (the score must be a JSON number in [0, 1], the label one of the configured labels), lenient on
/// prose (a long rationale is cut, not refused). Anything else is <see cref="InvalidModelOutputException"/>.
/// </summary>
public static class FlowScoreReply
{
    /// <summary>Score, label (lower case) and rationale of <paramref name="json"/>.</summary>
    /// <exception cref="InvalidModelOutputException">The answer is not a valid score; the message says what is wrong.</exception>
    public static (double Score, string Label, string Rationale) Parse(string json, FlowScoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json ?? string.Empty);
        }
        catch (JsonException ex)
        {
            throw new InvalidModelOutputException($"the answer is not JSON ({ex.Message.Split(" Path:")[0]}): {Quote(json)}");
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidModelOutputException($"the answer is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object with score, label and rationale: {Quote(json)}");
            }

            if (!root.TryGetProperty("score", out JsonElement s) || s.ValueKind != JsonValueKind.Number || !s.TryGetDouble(out double score) || !double.IsFinite(score))
            {
                throw new InvalidModelOutputException($"\"score\" must be a number in [0, 1]: {Quote(json)}");
            }

            if (score is < 0 or > 1)
            {
                throw new InvalidModelOutputException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"\"score\" {score} is outside [0, 1]"));
            }

            string? label = root.TryGetProperty("label", out JsonElement l) && l.ValueKind == JsonValueKind.String ? l.GetString()!.Trim() : null;
            string? known = label is null ? null : options.Labels.FirstOrDefault(x => string.Equals(x.Trim(), label, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                throw new InvalidModelOutputException($"\"label\" must be one of {string.Join(", ", options.Labels)}, got {(label is null ? "none" : $"'{Quote(label)}'")}");
            }

            string rationale = root.TryGetProperty("rationale", out JsonElement r) && r.ValueKind == JsonValueKind.String ? r.GetString()!.Trim() : string.Empty;
            if (rationale.Length == 0)
            {
                throw new InvalidModelOutputException("\"rationale\" must be a non-empty string");
            }

            if (rationale.Length > options.MaxRationaleChars)
            {
                rationale = rationale[..(options.MaxRationaleChars - 1)] + "…";
            }

            return (score, known.Trim().ToLowerInvariant(), rationale);
        }
    }

    /// <summary>The start of a model answer for an error message (answers can be long).</summary>
    private static string Quote(string? text)
    {
        const int Shown = 160;
        text ??= string.Empty;
        return text.Length <= Shown ? text : text[..Shown] + "…";
    }
}
