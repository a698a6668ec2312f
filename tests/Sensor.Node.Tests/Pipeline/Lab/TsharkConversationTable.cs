using System.Globalization;
using System.Text.RegularExpressions;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Pipeline.Lab;

/// <summary>One row of <c>tshark -q -z conv,…</c>: endpoints A and B, frames and bytes each way, bytes as tshark printed them.</summary>
internal sealed record TsharkConversation(string A, string B, long FramesAToB, string BytesAToB, long FramesBToA, string BytesBToA);

/// <summary>
/// Runs tshark's conversation statistics and parses its text tables. Columns (tshark 4.0, checked by
/// running it): <c>A &lt;-&gt; B | frames bytes (B→A, "&lt;-") | frames bytes (A→B, "-&gt;") | total | start | duration</c>.
/// Bytes are printed by Wireshark's format_size(): exact below 10,000, else truncated to kB/MB/….
/// </summary>
/// <remarks>
/// Reassembly is switched off (<c>ip.defragment:FALSE</c>, <c>ipv6.defragment:FALSE</c>) so every frame
/// counts once, as the flow tracker counts it: with reassembly a datagram is counted on the frame that
/// completes it. Under that setting tshark's IPv6 conversation tap skips non-first IPv6 fragments
/// (it stops at the fragment header); those are checked separately.
/// </remarks>
internal static partial class TsharkConversationTable
{
    public static readonly string[] Tables = ["ip", "ipv6", "tcp", "udp"];

    /// <summary>All four tables of one file, keyed by "ip", "ipv6", "tcp", "udp".</summary>
    public static Dictionary<string, List<TsharkConversation>> Read(string path)
    {
        List<string> arguments = ["LC_ALL=C", "tshark", "-n", "-r", path, "-q", "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE"];
        foreach (string table in Tables)
        {
            arguments.AddRange(["-z", $"conv,{table}"]);
        }

        string output = ExternalTool.Run("env", [.. arguments]);
        var tables = new Dictionary<string, List<TsharkConversation>>(StringComparer.Ordinal);
        string? current = null;
        foreach (string line in output.Split('\n'))
        {
            current = line.Trim() switch
            {
                "IPv4 Conversations" => "ip",
                "IPv6 Conversations" => "ipv6",
                "TCP Conversations" => "tcp",
                "UDP Conversations" => "udp",
                _ => current,
            };
            Match row = RowPattern().Match(line);
            if (current is not null && row.Success)
            {
                if (!tables.TryGetValue(current, out List<TsharkConversation>? rows))
                {
                    tables[current] = rows = [];
                }

                rows.Add(new TsharkConversation(
                    row.Groups["a"].Value,
                    row.Groups["b"].Value,
                    FramesAToB: long.Parse(row.Groups["f2"].Value, CultureInfo.InvariantCulture),
                    BytesAToB: row.Groups["b2"].Value,
                    FramesBToA: long.Parse(row.Groups["f1"].Value, CultureInfo.InvariantCulture),
                    BytesBToA: row.Groups["b1"].Value));
            }
        }

        foreach (string table in Tables)
        {
            tables.TryAdd(table, []);
        }

        return tables;
    }

    /// <summary>A byte count as Wireshark's format_size(…, bytes, SI) prints it (wsutil/str_util.c, integer division).</summary>
    public static string FormatBytes(long size)
    {
        const long power = 1000;
        if (size / power / power / power / power >= 10) return $"{size / power / power / power / power} TB";
        if (size / power / power / power >= 10) return $"{size / power / power / power} GB";
        if (size / power / power >= 10) return $"{size / power / power} MB";
        if (size / power >= 10) return $"{size / power} kB";
        return $"{size} bytes";
    }

    [GeneratedRegex(@"^(?<a>\S+)\s+<->\s+(?<b>\S+)\s+(?<f1>\d+)\s+(?<b1>\d+ (?:bytes|kB|MB|GB|TB))\s+(?<f2>\d+)\s+(?<b2>\d+ (?:bytes|kB|MB|GB|TB))\s+")]
    private static partial Regex RowPattern();
}
