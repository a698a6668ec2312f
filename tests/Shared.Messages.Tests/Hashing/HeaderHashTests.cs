using System.Globalization;
using System.Text;
using NerfEngine.Shared.Messages.Hashing;
using NerfEngine.Tests.SharedMessages.Native;

namespace NerfEngine.Tests.SharedMessages.Hashing;

/// <summary>
/// The header's C hash functions, compiled by a real C compiler, agree with the C# ones and with
/// the published vectors: a node id computed in the kernel names the same node in C#.
/// </summary>
public sealed class HeaderHashTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, ulong>> COutputs = new(RunCProgram);

    [Fact]
    public void C_fnv1a64_reproduces_the_published_vectors_and_the_CSharp_hash()
    {
        for (int i = 0; i < FnvTestVectors.Published.Length; i++)
        {
            (byte[] input, ulong expected) = FnvTestVectors.Published[i];
            Assert.Equal(expected, COutputs.Value[$"fnv1a64.{i}"]);
            Assert.Equal(Fnv1a64.Hash(input), COutputs.Value[$"fnv1a64.{i}"]);
        }
    }

    [Fact]
    public void C_node_ids_of_IPv4_and_IPv6_addresses_equal_the_CSharp_node_ids()
    {
        Assert.Equal(FnvTestVectors.Ipv4NodeId, COutputs.Value["node_id.v4"]);
        Assert.Equal(Fnv1a64.NodeId(FnvTestVectors.Ipv4.GetAddressBytes()), COutputs.Value["node_id.v4"]);
        Assert.Equal(FnvTestVectors.Ipv6NodeId, COutputs.Value["node_id.v6"]);
        Assert.Equal(Fnv1a64.NodeId(FnvTestVectors.Ipv6.GetAddressBytes()), COutputs.Value["node_id.v6"]);
    }

    [Fact]
    public void C_edge_hash_equals_the_CSharp_edge_hash()
    {
        Assert.Equal(FnvTestVectors.HttpsToIpv4EdgeHash, COutputs.Value["edge_hash.https"]);
        Assert.Equal(Fnv1a64.EdgeHash(FnvTestVectors.Ipv4NodeId, 443, 6), COutputs.Value["edge_hash.https"]);
        Assert.Equal(Fnv1a64.EdgeHash(ulong.MaxValue, 0xfffe, 255), COutputs.Value["edge_hash.extremes"]);
    }

    private static IReadOnlyDictionary<string, ulong> RunCProgram()
    {
        var c = new StringBuilder();
        c.AppendLine("#include <stdio.h>");
        c.AppendLine("#include \"nerf_records.h\"");
        c.AppendLine("static void show(const char *key, __u64 value) { printf(\"%s %016llx\\n\", key, (unsigned long long)value); }");
        c.AppendLine("int main(void)");
        c.AppendLine("{");
        for (int i = 0; i < FnvTestVectors.Published.Length; i++)
        {
            byte[] input = FnvTestVectors.Published[i].Input;
            c.AppendLine($"\tshow(\"fnv1a64.{i}\", nerf_fnv1a64(\"{OctalLiteral(input)}\", {input.Length}));");
        }

        c.AppendLine($"\tstatic const __u8 v4[] = {{ {CBytes(FnvTestVectors.Ipv4.GetAddressBytes())} }};");
        c.AppendLine($"\tstatic const __u8 v6[] = {{ {CBytes(FnvTestVectors.Ipv6.GetAddressBytes())} }};");
        c.AppendLine("\tshow(\"node_id.v4\", nerf_node_id(v4, sizeof(v4)));");
        c.AppendLine("\tshow(\"node_id.v6\", nerf_node_id(v6, sizeof(v6)));");
        c.AppendLine("\tshow(\"edge_hash.https\", nerf_edge_hash(nerf_node_id(v4, sizeof(v4)), 443, 6));");
        c.AppendLine("\tshow(\"edge_hash.extremes\", nerf_edge_hash(0xffffffffffffffffULL, 0xfffe, 255));");
        c.AppendLine("\treturn 0;");
        c.AppendLine("}");

        string output = CToolchain.CompileAndRun("nerf_hash_probe", c.ToString());
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .ToDictionary(parts => parts[0], parts => ulong.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    // Octal escapes take at most three digits, so unlike \x they never swallow the next character.
    private static string OctalLiteral(byte[] bytes) =>
        string.Concat(bytes.Select(b => "\\" + Convert.ToString(b, 8).PadLeft(3, '0')));

    private static string CBytes(byte[] bytes) => string.Join(", ", bytes.Select(b => $"0x{b:x2}"));
}
