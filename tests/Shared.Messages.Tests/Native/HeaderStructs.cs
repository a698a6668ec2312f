using System.Text.RegularExpressions;

namespace NerfEngine.Tests.SharedMessages.Native;

/// <summary>One field of a C struct as written in the header: "__u64 src_node;" or "__u8 address[16];".</summary>
internal sealed record CField(string Name, string CType, int? ArrayLength);

/// <summary>One struct declared in the header.</summary>
internal sealed record CStruct(string Name, IReadOnlyList<CField> Fields);

/// <summary>
/// Reads the struct bodies of bpf/nerf_records.h, so probes are generated from the header and
/// never hand-maintained. Fails loudly on a field shape it does not understand.
/// </summary>
internal static partial class HeaderStructs
{
    /// <summary>Every <c>struct nerf_* { … };</c> definition in the header, in order.</summary>
    public static IReadOnlyList<CStruct> Parse(string headerText)
    {
        string code = Comments().Replace(headerText, " ");
        var structs = new List<CStruct>();
        foreach (Match match in StructBody().Matches(code))
        {
            var fields = new List<CField>();
            foreach (string statement in match.Groups["body"].Value.Split(';'))
            {
                if (string.IsNullOrWhiteSpace(statement))
                {
                    continue;
                }

                Match field = FieldDeclaration().Match(statement);
                if (!field.Success)
                {
                    throw new FormatException(
                        $"struct {match.Groups["name"].Value}: cannot parse field '{statement.Trim()}'; " +
                        "keep one '<__uN> <name>[N];' per line.");
                }

                int? length = field.Groups["len"].Success ? int.Parse(field.Groups["len"].Value) : null;
                fields.Add(new CField(field.Groups["name"].Value, field.Groups["type"].Value, length));
            }

            structs.Add(new CStruct(match.Groups["name"].Value, fields));
        }

        return structs;
    }

    /// <summary>Reads and parses the repository's header.</summary>
    public static IReadOnlyList<CStruct> ParseRepositoryHeader() => Parse(File.ReadAllText(RepoPaths.RecordsHeader));

    [GeneratedRegex(@"/\*.*?\*/|//[^\n]*", RegexOptions.Singleline)]
    private static partial Regex Comments();

    [GeneratedRegex(@"struct\s+(?<name>nerf_\w+)\s*\{(?<body>[^}]*)\}\s*;")]
    private static partial Regex StructBody();

    [GeneratedRegex(@"^\s*(?<type>__u(8|16|32|64))\s+(?<name>[a-z_][a-z0-9_]*)\s*(\[\s*(?<len>\d+)\s*\])?\s*$")]
    private static partial Regex FieldDeclaration();
}
