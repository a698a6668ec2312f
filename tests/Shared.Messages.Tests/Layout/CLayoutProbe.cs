using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NerfEngine.Tests.SharedMessages.Native;

namespace NerfEngine.Tests.SharedMessages.Layout;

/// <summary>Offset and size of one field as the C compiler lays it out.</summary>
internal sealed record CFieldLayout(string Name, int Offset, int Size);

/// <summary>sizeof and field layouts of one struct as the C compiler lays it out.</summary>
internal sealed record CStructLayout(string Name, int Size, IReadOnlyList<CFieldLayout> Fields);

/// <summary>
/// Generates an offsetof/sizeof program from the header's own struct bodies (Cilium's
/// alignchecker idea), compiles it with the host C compiler and parses what it prints.
/// </summary>
internal static partial class CLayoutProbe
{
    private static readonly Lazy<IReadOnlyDictionary<string, CStructLayout>> Layouts = new(Measure);

    /// <summary>The C layout of every struct in bpf/nerf_records.h, by struct name.</summary>
    public static IReadOnlyDictionary<string, CStructLayout> All => Layouts.Value;

    /// <summary>The probe program for <paramref name="structs"/>; one printf line per field and per struct.</summary>
    public static string GenerateProgram(IEnumerable<CStruct> structs)
    {
        var c = new StringBuilder();
        c.AppendLine("#include <stddef.h>");
        c.AppendLine("#include <stdio.h>");
        c.AppendLine("#include \"nerf_records.h\"");
        c.AppendLine("int main(void)");
        c.AppendLine("{");
        foreach (CStruct s in structs)
        {
            c.AppendLine($"\tprintf(\"{s.Name} sizeof=%zu\\n\", sizeof(struct {s.Name}));");
            foreach (CField f in s.Fields)
            {
                c.AppendLine(
                    $"\tprintf(\"{s.Name}.{f.Name} offset=%zu size=%zu\\n\", " +
                    $"offsetof(struct {s.Name}, {f.Name}), sizeof(((struct {s.Name} *)0)->{f.Name}));");
            }
        }

        c.AppendLine("\treturn 0;");
        c.AppendLine("}");
        return c.ToString();
    }

    /// <summary>Parses lines like "nerf_graph_edge.src_node offset=8 size=8" and "nerf_graph_edge sizeof=56".</summary>
    public static IReadOnlyDictionary<string, CStructLayout> ParseOutput(string output)
    {
        var sizes = new Dictionary<string, int>();
        var fields = new Dictionary<string, List<CFieldLayout>>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Match size = SizeLine().Match(line);
            Match field = FieldLine().Match(line);
            if (size.Success)
            {
                sizes[size.Groups["s"].Value] = Int(size.Groups["size"]);
                fields.TryAdd(size.Groups["s"].Value, []);
            }
            else if (field.Success)
            {
                fields[field.Groups["s"].Value].Add(
                    new CFieldLayout(field.Groups["f"].Value, Int(field.Groups["offset"]), Int(field.Groups["size"])));
            }
            else
            {
                throw new FormatException($"Unexpected layout probe line: '{line}'.");
            }
        }

        return sizes.ToDictionary(kv => kv.Key, kv => new CStructLayout(kv.Key, kv.Value, fields[kv.Key]));
    }

    private static IReadOnlyDictionary<string, CStructLayout> Measure()
    {
        IReadOnlyList<CStruct> structs = HeaderStructs.ParseRepositoryHeader();
        return ParseOutput(CToolchain.CompileAndRun("nerf_layout_probe", GenerateProgram(structs)));
    }

    private static int Int(Group g) => int.Parse(g.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<s>\w+) sizeof=(?<size>\d+)$")]
    private static partial Regex SizeLine();

    [GeneratedRegex(@"^(?<s>\w+)\.(?<f>\w+) offset=(?<offset>\d+) size=(?<size>\d+)$")]
    private static partial Regex FieldLine();
}
