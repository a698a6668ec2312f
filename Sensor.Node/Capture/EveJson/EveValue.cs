using System.Text.Json;

namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// One captured JSON value of an eve line: the unescaped bytes of a string or the raw text of a
/// number, with its token type. Kept as a view over the line (or the reader's unescape scratch) so
/// capturing costs nothing; it is interpreted only if the event type needs it.
/// </summary>
internal ref struct EveValue
{
    /// <summary>String contents (unescaped) or number text; empty for other tokens.</summary>
    public ReadOnlySpan<byte> Text;

    /// <summary>The JSON token; <see cref="JsonTokenType.None"/> when the field was absent.</summary>
    public JsonTokenType Token;

    /// <summary>The field was in the line, whatever its type.</summary>
    public readonly bool IsPresent => Token != JsonTokenType.None;

    /// <summary>The field is a JSON string.</summary>
    public readonly bool IsString => Token == JsonTokenType.String;

    /// <summary>The field is a JSON number.</summary>
    public readonly bool IsNumber => Token == JsonTokenType.Number;
}
