using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Capture.Xdp;

/// <summary>
/// Compiles a C program against bpf/xdp_edges.h and libbpf's headers that prints offsetof/sizeof of the
/// structs the C# mirrors describe, and the values of named constants, so C and C# are compared by a real
/// compiler (Cilium's alignchecker idea, as tests/Shared.Messages.Tests does for nerf_records.h).
/// </summary>
internal static class XdpHeaderProbe
{
    /// <summary>One C struct and the C# type mirroring it; <paramref name="Fields"/> maps C# field names to C names.</summary>
    public sealed record Mirror(string CStruct, Type Type, IReadOnlyDictionary<string, string> Fields);

    /// <summary>A mirror whose C# fields are the C fields in PascalCase (AddrA ↔ addr_a), all of them.</summary>
    public static Mirror Pascal(string cStruct, Type type) => new(cStruct, type,
        PublicFields(type).ToDictionary(field => field.Name, field => SnakeCase(field.Name)));

    /// <summary>Compiles and runs the probe; returns "name=value" lines as a dictionary.</summary>
    public static Dictionary<string, long> Measure(IEnumerable<Mirror> mirrors, IEnumerable<string> constants)
    {
        var c = new StringBuilder();
        c.AppendLine("#include <stddef.h>");
        c.AppendLine("#include <stdio.h>");
        c.AppendLine("#include <linux/bpf.h>");
        c.AppendLine("#include <linux/if_link.h>");
        c.AppendLine("#include <bpf/bpf.h>");
        c.AppendLine("#include <bpf/libbpf.h>");
        c.AppendLine("#include \"xdp_edges.h\"");
        c.AppendLine("int main(void)\n{");
        foreach (Mirror mirror in mirrors)
        {
            c.AppendLine($"\tprintf(\"sizeof({mirror.CStruct})=%zu\\n\", sizeof(struct {mirror.CStruct}));");
            foreach (string field in mirror.Fields.Values)
            {
                c.AppendLine($"\tprintf(\"{mirror.CStruct}.{field}=%zu\\n\", offsetof(struct {mirror.CStruct}, {field}));");
            }
        }
        foreach (string constant in constants)
        {
            c.AppendLine($"\tprintf(\"{constant}=%lld\\n\", (long long)({constant}));");
        }
        c.AppendLine("\treturn 0;\n}");

        string dir = Path.Combine(Path.GetTempPath(), "nerf-xdp-probe-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            string source = Path.Combine(dir, "probe.c");
            File.WriteAllText(source, c.ToString());
            ExternalTool.Require("gcc");
            ExternalTool.Run("gcc", "-std=gnu11", "-Wall", "-Werror", "-I", Path.Combine(RepoRoot(), "bpf"), source, "-o", Path.Combine(dir, "probe"));
            return ExternalTool.Run(Path.Combine(dir, "probe"))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split('='))
                .ToDictionary(parts => parts[0], parts => long.Parse(parts[1]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The managed offset of a field (blittable, sequential: the same as the native one).</summary>
    public static long OffsetOf(Type type, string field) => Marshal.OffsetOf(type, field).ToInt64();

    public static IEnumerable<FieldInfo> PublicFields(Type type) =>
        type.GetFields(BindingFlags.Instance | BindingFlags.Public).OrderBy(field => field.MetadataToken);

    /// <summary>"PacketsFwd" → "packets_fwd", "Reserved16" → "reserved16".</summary>
    public static string SnakeCase(string name) =>
        string.Concat(name.Select((ch, i) => char.IsUpper(ch) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(ch) : ch.ToString()));

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NerfEngine.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No NerfEngine.sln above {AppContext.BaseDirectory}; run the tests inside the repository.");
    }
}
