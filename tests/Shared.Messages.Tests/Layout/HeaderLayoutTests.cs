using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using NerfEngine.Shared.Messages.Records;
using NerfEngine.Tests.SharedMessages.Native;

namespace NerfEngine.Tests.SharedMessages.Layout;

/// <summary>
/// Every struct in bpf/nerf_records.h has a C# mirror whose layout a real C compiler agrees with,
/// field by field (Cilium's bpf_alignchecker, Tmds.LibC's StructTests).
/// </summary>
public sealed class HeaderLayoutTests
{
    /// <summary>The C# mirror of each header struct.</summary>
    private static readonly Dictionary<string, Type> Mirrors = new()
    {
        ["nerf_graph_edge"] = typeof(GraphEdge),
        ["nerf_node_address"] = typeof(NodeAddress),
    };

    public static TheoryData<string> HeaderStructNames => new(Mirrors.Keys);

    [Fact]
    public void Every_struct_in_the_header_has_a_CSharp_mirror_and_no_mirror_lacks_a_struct()
    {
        string[] inHeader = HeaderStructs.ParseRepositoryHeader().Select(s => s.Name).Order().ToArray();
        Assert.Equal(Mirrors.Keys.Order().ToArray(), inHeader);
    }

    [Fact]
    public void Records_have_the_sizes_the_lead_decided_in_C_and_in_CSharp()
    {
        Assert.Equal(56, CLayoutProbe.All["nerf_graph_edge"].Size);
        Assert.Equal(32, CLayoutProbe.All["nerf_node_address"].Size);
        Assert.Equal(GraphEdge.Size, Unsafe.SizeOf<GraphEdge>());
        Assert.Equal(NodeAddress.Size, Unsafe.SizeOf<NodeAddress>());
    }

    [Theory]
    [MemberData(nameof(HeaderStructNames))]
    public void CSharp_mirror_has_the_C_compilers_offsets_and_sizes_field_by_field(string cStruct)
    {
        Type mirror = Mirrors[cStruct];
        CStructLayout c = CLayoutProbe.All[cStruct];
        Dictionary<string, FieldInfo> csharp = ManagedLayout.InstanceFields(mirror).ToDictionary(f => f.Name);

        string[] cNames = c.Fields.Select(f => ToPascalCase(f.Name)).ToArray();
        Assert.True(
            cNames.ToHashSet().SetEquals(csharp.Keys),
            $"{cStruct}: only in C: [{string.Join(", ", cNames.Except(csharp.Keys))}]; " +
            $"only in C#: [{string.Join(", ", csharp.Keys.Except(cNames))}]");

        foreach (CFieldLayout field in c.Fields)
        {
            FieldInfo mirrored = csharp[ToPascalCase(field.Name)];
            string where = $"{cStruct}.{field.Name} vs {mirror.Name}.{mirrored.Name}";
            Assert.True(field.Offset == (int)Marshal.OffsetOf(mirror, mirrored.Name), $"{where}: Marshal.OffsetOf");
            Assert.True(field.Size == ManagedLayout.SizeOf(mirrored.FieldType), $"{where}: Unsafe.SizeOf");
            Assert.True((field.Offset, field.Size) == ManagedLayout.Measure(mirror, mirrored), $"{where}: bytes in memory");
        }

        Assert.Equal(c.Size, ManagedLayout.SizeOf(mirror));
        Assert.Equal(c.Size, Marshal.SizeOf(mirror));
    }

    [Theory]
    [MemberData(nameof(HeaderStructNames))]
    public void CSharp_field_types_have_the_width_and_signedness_of_the_header_types(string cStruct)
    {
        Type mirror = Mirrors[cStruct];
        foreach (CField field in HeaderStructs.ParseRepositoryHeader().Single(s => s.Name == cStruct).Fields)
        {
            Type type = mirror.GetField(ToPascalCase(field.Name))!.FieldType;
            if (field.ArrayLength is int length)
            {
                var inline = type.GetCustomAttribute<InlineArrayAttribute>();
                Assert.True(inline?.Length == length, $"{cStruct}.{field.Name}: expected [InlineArray({length})]");
                Assert.Equal(ExpectedScalar(field.CType), ManagedLayout.InstanceFields(type).Single().FieldType);
            }
            else
            {
                Type scalar = type.IsEnum ? Enum.GetUnderlyingType(type) : type;
                Assert.True(ExpectedScalar(field.CType) == scalar, $"{cStruct}.{field.Name}: {field.CType} vs {type}");
            }
        }
    }

    [Fact]
    public void Bpf_target_lays_the_records_out_like_CSharp()
    {
        var c = new StringBuilder("#include \"nerf_records.h\"\n");
        foreach ((string cStruct, Type mirror) in Mirrors)
        {
            c.AppendLine($"_Static_assert(sizeof(struct {cStruct}) == {Marshal.SizeOf(mirror)}, \"{cStruct} size\");");
            foreach (CField field in HeaderStructs.ParseRepositoryHeader().Single(s => s.Name == cStruct).Fields)
            {
                int offset = (int)Marshal.OffsetOf(mirror, ToPascalCase(field.Name));
                c.AppendLine(
                    $"_Static_assert(__builtin_offsetof(struct {cStruct}, {field.Name}) == {offset}, \"{cStruct}.{field.Name}\");");
            }
        }

        // The hash helpers must also pass the BPF backend (bounded loops, no libc).
        c.AppendLine("__u64 probe(const __u8 *a, __u32 v6) { return nerf_edge_hash(nerf_node_id(a, v6 ? 16 : 4), 443, 6); }");
        CToolchain.CompileForBpf("nerf_bpf_layout", c.ToString());
    }

    [Fact]
    public void Probe_generator_reads_array_fields_and_rejects_shapes_it_does_not_know()
    {
        CStruct parsed = Assert.Single(HeaderStructs.Parse("struct nerf_x { __u64 a; /* c */ __u8 b[7]; };"));
        Assert.Equal([new CField("a", "__u64", null), new CField("b", "__u8", 7)], parsed.Fields);
        Assert.Throws<FormatException>(() => HeaderStructs.Parse("struct nerf_x { __u32 a, b; };"));
    }

    private static string ToPascalCase(string snake) =>
        string.Concat(snake.Split('_').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));

    private static Type ExpectedScalar(string cType) => cType switch
    {
        "__u8" => typeof(byte),
        "__u16" => typeof(ushort),
        "__u32" => typeof(uint),
        "__u64" => typeof(ulong),
        _ => throw new ArgumentOutOfRangeException(nameof(cType), cType, "unknown header type"),
    };
}
