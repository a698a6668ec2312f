using System.CommandLine;
using System.Text.Json;
using NerfEngine.Sensor.Cli;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Tests.SensorNode.Pipeline.Lab;
using NerfEngine.Tests.SensorNode.Publishing;
using NerfEngine.Tests.SensorNode.Support;
using Xunit.Abstractions;

namespace NerfEngine.Tests.SensorNode.Pipeline;

/// <summary>
/// The acceptance check of flow counting: for every conversation of real captured traffic, packets
/// and frame bytes per direction equal what <c>tshark -q -z conv,ip|ipv6|tcp|udp</c> reports.
/// </summary>
public sealed class TsharkAgreementTests(ITestOutputHelper log)
{
    private static readonly string[] Tools = ["ip", "tcpdump", "tshark", "tcprewrite", "tcpreplay"];

    [Fact]
    public async Task Replayed_flow_totals_equal_tsharks_conversations_for_real_ipv4_ipv6_tcp_udp_icmp_and_fragmented_traffic()
    {
        ExternalTool.Require(Tools);
        using var lab = new NetworkNamespacePair();
        using TemporaryCapture capture = TemporaryCapture.Empty("direct.pcap");
        int recorded = await TrafficLab.RecordAsync(lab, capture.Path);

        ReplaySummary summary = await ReplayPipeline.RunAsync(ReplayOptions.For(capture.Path), new ScriptedPublisher());

        Assert.Equal(recorded, summary.PacketsRead);
        Assert.True(summary.Fragments >= 16, $"expected fragmented traffic, saw {summary.Fragments} fragments");
        Assert.Equal(0, summary.Capture.ParseErrors);
        ConversationComparison comparison = ConversationComparison.Run(capture.Path, [.. summary.Conversations.Select(ObservedConversation.From)]);
        AssertAgreement(comparison);
    }

    [Fact]
    public async Task Replay_json_conversations_equal_tsharks_for_the_same_traffic_untagged_on_a_vlan_and_in_qinq()
    {
        ExternalTool.Require(Tools);
        using var lab = new NetworkNamespacePair();
        using TemporaryCapture direct = TemporaryCapture.Empty("direct.pcap");
        int recorded = await TrafficLab.RecordAsync(lab, direct.Path);
        string mixed = Path.Combine(direct.Directory, "mixed.pcap");
        int resent = await TrafficLab.RecordVlanCopiesAsync(lab, direct.Path, mixed);
        Assert.Equal(3 * recorded, resent);

        IReadOnlyList<ObservedConversation> rows = await ReplayJsonConversationsAsync(mixed);

        AssertAgreement(ConversationComparison.Run(mixed, rows));
        // VLAN-aware keys: the same TCP connection is three flows, one per tagging, with equal packet
        // counts and 4 (802.1Q) or 8 (QinQ) more frame bytes per packet.
        ObservedConversation[] copies = [.. rows
            .Where(r => r.Protocol == IpProtocols.Tcp && r.DestinationPort == 5001)
            .OrderBy(r => r.Vlan)];
        Assert.Equal([(0, 0), (10, 0), (20, 10)], copies.Select(r => (r.Vlan, r.InnerVlan)));
        Assert.All(copies, r => Assert.Equal(copies[0].PacketsForward, r.PacketsForward));
        Assert.Equal(copies[0].BytesForward + 4 * copies[0].PacketsForward, copies[1].BytesForward);
        Assert.Equal(copies[0].BytesReverse + 8 * copies[0].PacketsReverse, copies[2].BytesReverse);
    }

    private void AssertAgreement(ConversationComparison comparison)
    {
        log.WriteLine($"compared: {string.Join(", ", comparison.Compared.Select(p => $"{p.Key} {p.Value}"))}; " +
            $"byte counts exact {comparison.ExactByteMatches}, through tshark's kB rounding {comparison.RoundedByteMatches}");
        Assert.True(comparison.Mismatches.Count == 0, "disagreements with tshark:\n" + string.Join('\n', comparison.Mismatches));
        Assert.True(comparison.Compared["ip"] >= 5, "too few IPv4 conversations compared");
        Assert.True(comparison.Compared["ipv6"] >= 4, "too few IPv6 conversations compared");
        Assert.True(comparison.Compared["tcp"] >= 3, "too few TCP conversations compared");
        Assert.True(comparison.Compared["udp"] >= 4, "too few UDP conversations compared");
        Assert.True(comparison.Compared["ipv6-fragments"] >= 2, "the IPv6 fragments were not compared");
        Assert.True(comparison.ExactByteMatches >= 20, $"only {comparison.ExactByteMatches} byte counts compared exactly");
        Assert.True(comparison.RoundedByteMatches >= 1, "the bulk transfer's kB rounding path was not exercised");
    }

    /// <summary>Runs <c>replay --pcap FILE --json</c> in process and reads its conversation table.</summary>
    private static async Task<IReadOnlyList<ObservedConversation>> ReplayJsonConversationsAsync(string path)
    {
        var root = new RootCommand { ReplayCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = await root.Parse(["replay", "--pcap", path, "--json"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        Assert.True(exitCode == 0, $"replay exited {exitCode}: {error}");

        using JsonDocument json = JsonDocument.Parse(output.ToString());
        return [.. json.RootElement.GetProperty("conversations").EnumerateArray().Select(c => new ObservedConversation(
            c.GetProperty("src").GetString()!,
            c.GetProperty("dst").GetString()!,
            c.GetProperty("src_port").GetInt32(),
            c.GetProperty("dst_port").GetInt32(),
            c.GetProperty("protocol").GetInt32(),
            c.GetProperty("ip_version").GetInt32(),
            c.GetProperty("vlan").GetInt32(),
            c.GetProperty("inner_vlan").GetInt32(),
            c.GetProperty("fragments").GetBoolean(),
            c.GetProperty("packets_src_to_dst").GetInt64(),
            c.GetProperty("frame_bytes_src_to_dst").GetInt64(),
            c.GetProperty("packets_dst_to_src").GetInt64(),
            c.GetProperty("frame_bytes_dst_to_src").GetInt64()))];
    }
}
